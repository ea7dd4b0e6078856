package dev.manycore.kernel;

/** A strict little JSON reader for tests: accepts one well-formed value and nothing after it. */
final class JsonCheck {

    private final String s;
    private int i;

    private JsonCheck(String s) {
        this.s = s;
    }

    static void parse(String json) {
        JsonCheck c = new JsonCheck(json);
        c.value();
        c.ws();
        if (c.i != json.length()) {
            throw new IllegalArgumentException("trailing text at " + c.i + ": " + json);
        }
    }

    private void value() {
        ws();
        char ch = peek();
        switch (ch) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object() {
        expect('{');
        ws();
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            ws();
            string();
            ws();
            expect(':');
            value();
            ws();
            if (peek() == ',') {
                i++;
            } else {
                expect('}');
                return;
            }
        }
    }

    private void array() {
        expect('[');
        ws();
        if (peek() == ']') {
            i++;
            return;
        }
        while (true) {
            value();
            ws();
            if (peek() == ',') {
                i++;
            } else {
                expect(']');
                return;
            }
        }
    }

    private void string() {
        expect('"');
        while (peek() != '"') {
            if (peek() < 0x20) {
                throw new IllegalArgumentException("control character in string at " + i);
            }
            if (peek() == '\\') {
                i++;
            }
            i++;
        }
        i++;
    }

    private void number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || ".eE+-".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        if (i == start) {
            throw new IllegalArgumentException("value expected at " + i + ": " + s);
        }
        Double.parseDouble(s.substring(start, i));
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) {
            throw new IllegalArgumentException(word + " expected at " + i);
        }
        i += word.length();
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw new IllegalArgumentException("unexpected end of JSON");
        }
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalArgumentException("'" + c + "' expected at " + i + " but found '" + peek() + "'");
        }
        i++;
    }
}
