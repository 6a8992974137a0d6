package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.ElfCheck.Report;
import dev.hotlib.core.Natives.Lang;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElfCheckTest {
    /** Inputs the seeded fuzzer tries per library; printed, so the count can be reported. */
    private static final int FUZZ_INPUTS = Integer.getInteger("hotlib.fuzzInputs", 20_000);

    private static byte[] good(Lang lang) throws Exception {
        return Files.readAllBytes(Natives.variant(lang, "v2"));
    }

    private static byte[] with(byte[] elf, int offset, int width, long value) {
        byte[] copy = elf.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        switch (width) {
            case 1: b.put(offset, (byte) value); break;
            case 2: b.putShort(offset, (short) value); break;
            case 4: b.putInt(offset, (int) value); break;
            default: b.putLong(offset, value);
        }
        return copy;
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aGoodLibraryPassesAndItsDependenciesAreRead(Lang lang) throws Exception {
        Report report = ElfCheck.inspect(ElfCheck.Source.of(good(lang)));
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(List.of(), report.warnings(), "a plain library unloads: nothing to warn of");
        Report needsdep = ElfCheck.inspect(ElfCheck.Source.of(Files.readAllBytes(Natives.variant(lang, "needsdep"))));
        assertEquals(Optional.empty(), needsdep.refusal());
        assertTrue(needsdep.needed().contains(System.mapLibraryName("hotlib_gone")), needsdep.needed().toString());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFunctionOfTheAbiExportedAsDataIsRefusedByName(Lang lang) throws Exception {
        Optional<String> foo = ElfCheck.problem(Files.readAllBytes(Natives.variant(lang, "foodata")));
        assertEquals("foo is data (STT_OBJECT), not a function: calling it would crash the JVM", foo.orElse(""));
        Optional<String> bar = ElfCheck.problem(Files.readAllBytes(Natives.variant(lang, "bardata")));
        assertTrue(bar.orElse("").startsWith("bar is data (STT_OBJECT), not a function"), bar.toString());
        assertEquals(Optional.empty(), ElfCheck.problem(Files.readAllBytes(Natives.variant(lang, "nofoo"))),
                "a missing symbol is the backend's to name");
    }

    @Test
    void aUniqueSymbolIsWarnedOf() throws Exception {
        Report report = ElfCheck.inspect(ElfCheck.Source.of(Files.readAllBytes(Natives.cxxVariant("unique"))));
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(1, report.warnings().size(), report.warnings().toString());
        assertTrue(report.warnings().get(0).contains("STB_GNU_UNIQUE symbol (_ZZ7countervE5value)")
                && report.warnings().get(0).contains("-fno-gnu-unique"), report.warnings().get(0));
    }

    @Test
    void aStrongImportOfTheThreadLocalDestructorHookIsWarnedOf() throws Exception {
        byte[] rust = good(Lang.RUST);
        ByteBuffer b = ByteBuffer.wrap(rust).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shnum = Short.toUnsignedInt(b.getShort(60));
        int hook = -1;
        for (int i = 0; i < shnum; i++) {
            int header = (int) shoff + i * 64;
            if (b.getInt(header + 4) != 11) {
                continue;  // not SHT_DYNSYM
            }
            int symbols = (int) b.getLong(header + 24);
            int count = (int) (b.getLong(header + 32) / 24);
            int strings = (int) b.getLong((int) shoff + b.getInt(header + 40) * 64 + 24);
            for (int k = 1; k < count; k++) {
                int name = strings + b.getInt(symbols + k * 24);
                int end = name;
                while (rust[end] != 0) {
                    end++;
                }
                if (new String(rust, name, end - name, java.nio.charset.StandardCharsets.US_ASCII)
                        .equals("__cxa_thread_atexit_impl")) {
                    hook = symbols + k * 24;
                }
            }
        }
        assertTrue(hook > 0, "Rust's std imports __cxa_thread_atexit_impl");
        assertEquals(2, Byte.toUnsignedInt(rust[hook + 4]) >> 4, "weakly: no destructor need be registered");
        int strong = (1 << 4) | (rust[hook + 4] & 0xf);  // STB_GLOBAL, same type
        Report report = ElfCheck.inspect(ElfCheck.Source.of(with(rust, hook + 4, 1, strong)));
        assertEquals(1, report.warnings().size(), report.warnings().toString());
        assertTrue(report.warnings().get(0).contains("__cxa_thread_atexit"), report.warnings().get(0));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theSiblingVariantsDependencyAndRunpathAreRead(Lang lang) throws Exception {
        Report report = ElfCheck.inspect(ElfCheck.Source.of(Files.readAllBytes(Natives.variant(lang, "sibling"))));
        assertTrue(report.needed().contains("libhotlib_sibling.so"), report.needed().toString());
        assertEquals(List.of("$ORIGIN"), report.searchPath());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void malformedHeadersAreRefusedWithOneLine(Lang lang) throws Exception {
        byte[] elf = good(lang);
        List<byte[]> bad = List.of(
                with(elf, 54, 2, 1),                   // e_phentsize 1
                with(elf, 32, 8, Long.MAX_VALUE - 8),  // e_phoff that overflows with the table's size
                with(elf, 32, 8, -1),                  // e_phoff past 2^63
                with(elf, 60, 2, 0xffff),              // e_shnum huge: the table lies past the end
                with(elf, 40, 8, Long.MAX_VALUE),      // e_shoff that overflows
                with(elf, 58, 2, 1));                  // e_shentsize 1
        for (byte[] file : bad) {
            Optional<String> refusal = ElfCheck.problem(file);
            assertTrue(refusal.isPresent(), "refused");
            assertEquals(1, refusal.get().lines().count(), refusal.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void stringTablesOutOfRangeAreRefused(Lang lang) throws Exception {
        byte[] elf = good(lang);
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shnum = Short.toUnsignedInt(b.getShort(60));
        int dynsym = -1;
        for (int i = 0; i < shnum; i++) {
            if (b.getInt((int) shoff + i * 64 + 4) == 11) {
                dynsym = (int) shoff + i * 64;
            }
        }
        assertTrue(dynsym > 0, "the variant has a .dynsym");
        int strtab = (int) shoff + b.getInt(dynsym + 40) * 64;
        assertTrue(ElfCheck.problem(with(elf, strtab + 24, 8, elf.length - 2)).get().contains("malformed"));
        assertTrue(ElfCheck.problem(with(elf, strtab + 32, 8, Long.MAX_VALUE)).get().contains("malformed"));
        assertTrue(ElfCheck.problem(with(elf, dynsym + 40, 4, 0xffff)).get().contains("malformed"));
        assertTrue(ElfCheck.problem(with(elf, dynsym + 32, 8, -24)).get().contains("malformed"));
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFileCutShortIsRefusedAtEveryLength(Lang lang) throws Exception {
        byte[] elf = good(lang);
        for (int length = 64; length < elf.length; length += Math.max(1, elf.length / 500)) {
            Optional<String> refusal = ElfCheck.problem(Arrays.copyOf(elf, length));
            assertTrue(refusal.isPresent(), "cut at " + length);
        }
    }

    @Test
    void otherFilesAreLeftToTheLoader() {
        assertEquals(Optional.empty(), ElfCheck.problem(new byte[0]));
        assertEquals(Optional.empty(), ElfCheck.problem("#!/bin/sh\necho not a library\n".getBytes()));
        byte[] elf32 = new byte[64];
        elf32[0] = 0x7f; elf32[1] = 'E'; elf32[2] = 'L'; elf32[3] = 'F'; elf32[4] = 1; elf32[5] = 1;
        assertEquals(Optional.empty(), ElfCheck.problem(elf32), "32-bit: dlopen refuses it cleanly");
    }

    /**
     * A seeded fuzzer: mutations of a real library's header, program and section header tables, dynamic
     * symbols and dynamic section, with values chosen to overflow, plus random cuts. It must never throw, and
     * every refusal is one line.
     */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void neverThrowsOnMutatedHeaders(Lang lang) throws Exception {
        byte[] elf = good(lang);
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(40);
        int shnum = Short.toUnsignedInt(b.getShort(60));
        int tablesEnd = (int) Math.min(elf.length, 64 + 56L * Short.toUnsignedInt(b.getShort(56)) + 4096);
        long[] edges = {0, 1, 2, 7, 8, 24, 56, 64, 0xff, 0xffff, 0x7fffffffL, 0xffffffffL, elf.length,
            elf.length - 1, elf.length + 1, Long.MAX_VALUE, Long.MIN_VALUE, -1, -24, shoff, shoff + 64};
        Random random = new Random(12);
        int refused = 0;
        for (int n = 0; n < FUZZ_INPUTS; n++) {
            byte[] file = elf.clone();
            ByteBuffer m = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int mutations = 1 + random.nextInt(4);
            for (int k = 0; k < mutations; k++) {
                int region = random.nextInt(3);
                int at;
                if (region == 0) {
                    at = random.nextInt(64);                                   // the ELF header
                } else if (region == 1) {
                    at = 64 + random.nextInt(Math.max(1, tablesEnd - 64));    // program headers and after
                } else {
                    at = (int) (shoff + random.nextInt(Math.max(1, shnum * 64))); // section headers
                }
                long value = random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextLong();
                int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
                if (at + width > file.length) {
                    continue;
                }
                switch (width) {
                    case 1: m.put(at, (byte) value); break;
                    case 2: m.putShort(at, (short) value); break;
                    case 4: m.putInt(at, (int) value); break;
                    default: m.putLong(at, value);
                }
            }
            if (random.nextInt(10) == 0) {
                file = Arrays.copyOf(file, random.nextInt(file.length));
            }
            Report report = ElfCheck.inspect(ElfCheck.Source.of(file));  // throws nothing, or the test fails
            if (report.refusal().isPresent()) {
                refused++;
                assertEquals(1, report.refusal().get().lines().count(), report.refusal().get());
                assertFalse(report.refusal().get().contains("could not be checked"), report.refusal().get());
            }
        }
        System.out.println("ElfCheck fuzz (" + lang + "): " + FUZZ_INPUTS + " inputs, " + refused + " refused");
        assertTrue(refused > 0, "the mutations reach the checks");
    }
}
