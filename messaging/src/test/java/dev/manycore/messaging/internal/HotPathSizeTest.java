package dev.manycore.messaging.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the channel's publishing step within HotSpot's {@code MaxInlineSize} (35 bytes of
 * bytecode), so that C2 inlines it even where the profile calls the call site cold; why that
 * matters is on {@code Channel.publish}.
 */
class HotPathSizeTest {

    private static final int MAX_INLINE_SIZE = 35;

    @Test
    void channelPublishFitsTheInliningLimitForColdCallSites() throws IOException {
        ClassModel channel = classModel(Channel.class);
        for (String name : new String[] {"publish", "publishAndRing"}) {
            int size = codeSize(channel, name);
            assertTrue(size <= MAX_INLINE_SIZE, "Channel." + name + " is " + size + " bytes of bytecode: keep it within "
                    + MAX_INLINE_SIZE + " (MaxInlineSize), or C2 leaves it out of line behind a sender whose ring ran full");
        }
    }

    private static ClassModel classModel(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("no class file for " + type.getName());
            }
            return ClassFile.of().parse(in.readAllBytes());
        }
    }

    private static int codeSize(ClassModel model, String method) {
        return model.methods().stream()
                .filter(m -> m.methodName().equalsString(method))
                .map(MethodModel::code)
                .flatMap(Optional::stream)
                .map(c -> ((CodeAttribute) c).codeLength())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(model.thisClass().asInternalName() + " has no method " + method));
    }
}
