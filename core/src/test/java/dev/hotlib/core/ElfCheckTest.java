package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.ElfCheck.Report;
import dev.hotlib.core.Natives.Lang;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElfCheckTest {
    private static final long DT_INIT = 12;
    private static final long DT_STRTAB = 5;
    private static final long DT_STRSZ = 10;
    private static final long DT_SYMTAB = 6;
    private static final long DT_RELA = 7;
    private static final long DT_RELASZ = 8;
    private static final long DT_INIT_ARRAY = 25;
    private static final String MALFORMED = "its ELF headers are malformed (";
    private static final String NOT_A_LINKERS = "): not a library a linker wrote";

    private static byte[] good(Lang lang) throws Exception {
        return Files.readAllBytes(Natives.variant(lang, "v2"));
    }

    private static Report inspect(byte[] file) {
        return ElfCheck.inspect(ElfCheck.Source.of(file));
    }

    private static ByteBuffer le(byte[] elf) {
        return ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] with(byte[] elf, int offset, int width, long value) {
        byte[] copy = elf.clone();
        ByteBuffer b = le(copy);
        switch (width) {
            case 1: b.put(offset, (byte) value); break;
            case 2: b.putShort(offset, (short) value); break;
            case 4: b.putInt(offset, (int) value); break;
            default: b.putLong(offset, value);
        }
        return copy;
    }

    /** A copy of {@code elf} as sstrip leaves it: no section headers, nothing after its last segment. */
    private static byte[] stripped(byte[] elf) {
        return ElfFuzzTest.Mutator.stripped(elf);
    }

    /** The file offset of program header {@code index}. */
    private static int programHeader(byte[] elf, int index) {
        return (int) le(elf).getLong(32) + index * 56;
    }

    /** The file offset of the first program header of type {@code type}. */
    private static int programHeaderOfType(byte[] elf, long type) {
        ByteBuffer b = le(elf);
        for (int i = 0; i < Short.toUnsignedInt(b.getShort(56)); i++) {
            if (Integer.toUnsignedLong(b.getInt(programHeader(elf, i))) == type) {
                return programHeader(elf, i);
            }
        }
        throw new AssertionError("no program header of type " + type);
    }

    /** The file offset of the value of the dynamic entry tagged {@code tag}, read through PT_DYNAMIC's p_offset. */
    private static int dynamicValue(byte[] elf, long tag) {
        ByteBuffer b = le(elf);
        int at = (int) b.getLong(programHeaderOfType(elf, 2 /* PT_DYNAMIC */) + 8);
        for (; b.getLong(at) != 0; at += 16) {
            if (b.getLong(at) == tag) {
                return at + 8;
            }
        }
        throw new AssertionError("no dynamic entry " + tag);
    }

    /** A vaddr of the libraries' first segment as a file offset: both map their first bytes at address 0. */
    private static int offsetOf(byte[] elf, long vaddr) {
        ByteBuffer b = le(elf);
        int load = programHeaderOfType(elf, 1 /* PT_LOAD */);
        assertEquals(0, b.getLong(load + 8), "the first segment starts the file");
        assertEquals(0, b.getLong(load + 16), "at address 0");
        assertTrue(vaddr < b.getLong(load + 32), "inside the first segment");
        return (int) vaddr;
    }

    private static String malformed(String why) {
        return MALFORMED + why + NOT_A_LINKERS;
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aGoodLibraryPassesAndItsDependenciesAreRead(Lang lang) throws Exception {
        byte[] elf = good(lang);
        Report report = inspect(elf);
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(List.of(), report.warnings(), "a plain library unloads: nothing to warn of");
        assertEquals(elf.length, report.describes(), "its section headers come last");
        Report needsdep = inspect(Files.readAllBytes(Natives.variant(lang, "needsdep")));
        assertEquals(Optional.empty(), needsdep.refusal());
        assertTrue(needsdep.needed().contains(System.mapLibraryName("hotlib_gone")), needsdep.needed().toString());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFunctionOfTheAbiExportedAsDataIsListed(Lang lang) throws Exception {
        Report foo = inspect(Files.readAllBytes(Natives.variant(lang, "foodata")));
        assertEquals(Optional.empty(), foo.refusal(), "refused when a binding looks foo up, not before");
        assertEquals("STT_OBJECT", foo.notFunctions().get("foo"), foo.notFunctions().toString());
        Report bar = inspect(Files.readAllBytes(Natives.variant(lang, "bardata")));
        assertEquals("STT_OBJECT", bar.notFunctions().get("bar"), bar.notFunctions().toString());
        assertEquals(null, bar.notFunctions().get("foo"), "a function is not listed");
    }

    // What the loader reads is what is checked: the section headers gone (sstrip), or saying something else.
    @ParameterizedTest
    @EnumSource(Lang.class)
    void dataSymbolsAreFoundWithoutSectionHeaders(Lang lang) throws Exception {
        byte[] foodata = Files.readAllBytes(Natives.variant(lang, "foodata"));
        byte[] bare = stripped(foodata);
        Report report = inspect(bare);
        assertEquals(Optional.empty(), report.refusal());
        assertEquals("STT_OBJECT", report.notFunctions().get("foo"), report.notFunctions().toString());
        assertEquals(bare.length, report.describes(), "nothing after its last segment");

        ByteBuffer b = le(foodata);
        byte[] lying = foodata.clone();
        long shoff = b.getLong(40);
        for (int i = 0; i < Short.toUnsignedInt(b.getShort(60)); i++) {
            le(lying).putInt((int) shoff + i * 64 + 4, 1);  // every section SHT_PROGBITS: no .dynsym, no .dynamic
        }
        assertEquals("STT_OBJECT", inspect(lying).notFunctions().get("foo"), "section headers are not read");
    }

    @Test
    void aUniqueSymbolIsWarnedOf() throws Exception {
        Report report = inspect(Files.readAllBytes(Natives.cxxVariant("unique")));
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(List.of("it has a STB_GNU_UNIQUE symbol (_ZZ7countervE5value): glibc will never unload it, and"
                + " the first version's value answers in later versions; build C++ with -fno-gnu-unique"),
                report.warnings());
    }

    @Test
    void aStrongImportOfTheThreadLocalDestructorHookIsWarnedOf() throws Exception {
        byte[] rust = good(Lang.RUST);
        ByteBuffer b = le(rust);
        int symbols = offsetOf(rust, b.getLong(dynamicValue(rust, DT_SYMTAB)));
        int strings = offsetOf(rust, b.getLong(dynamicValue(rust, DT_STRTAB)));
        int hook = -1;
        for (int at = symbols + 24; at < strings && hook < 0; at += 24) {  // the Rust library: names after symbols
            int name = strings + b.getInt(at);
            int end = name;
            while (rust[end] != 0) {
                end++;
            }
            if (new String(rust, name, end - name, StandardCharsets.US_ASCII).equals("__cxa_thread_atexit_impl")) {
                hook = at;
            }
        }
        assertTrue(hook > 0, "Rust's std imports __cxa_thread_atexit_impl");
        assertEquals(2, Byte.toUnsignedInt(rust[hook + 4]) >> 4, "weakly: no destructor need be registered");
        assertEquals(List.of(), inspect(rust).warnings());
        int strong = (1 << 4) | (rust[hook + 4] & 0xf);  // STB_GLOBAL, same type
        assertEquals(List.of("it registers thread-local destructors (__cxa_thread_atexit): glibc keeps it loaded"
                + " while a thread that used such a thread-local lives, so a reload may keep old code"),
                inspect(with(rust, hook + 4, 1, strong)).warnings());
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void theSiblingVariantsDependencyAndRunpathAreRead(Lang lang) throws Exception {
        Report report = inspect(Files.readAllBytes(Natives.variant(lang, "sibling")));
        assertTrue(report.needed().contains("libhotlib_sibling.so"), report.needed().toString());
        assertEquals(List.of("$ORIGIN"), report.searchPath());
    }

    // The loader ignores DT_RPATH when DT_RUNPATH is there.
    @Test
    void theSearchPathIsRunpathElseRpath(@TempDir Path dir) throws Exception {
        byte[] rpath = compile(dir, "rpath", "int foo(void) { return 1; }\n",
                "-Wl,--disable-new-dtags", "-Wl,-rpath,/opt/a:/opt/b");
        assertEquals(List.of("/opt/a", "/opt/b"), inspect(rpath).searchPath());
        ByteBuffer b = le(rpath);
        int end = dynamicValue(rpath, 15 /* DT_RPATH */) - 8;
        while (b.getLong(end) != 0) {
            end += 16;
        }
        assertEquals(0, b.getLong(end + 16), "a spare entry after DT_NULL");
        long soname = b.getLong(dynamicValue(rpath, 14 /* DT_SONAME */));
        byte[] both = with(with(rpath, end, 8, 29 /* DT_RUNPATH */), end + 8, 8, soname);
        assertEquals(List.of("librpath.so"), inspect(both).searchPath(), "DT_RUNPATH, naming the soname's string");
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void malformedHeadersAreRefusedWordForWord(Lang lang) throws Exception {
        byte[] elf = good(lang);
        int phnum = Short.toUnsignedInt(le(elf).getShort(56));
        int shnum = Short.toUnsignedInt(le(elf).getShort(60));
        assertEquals(Optional.of(malformed("e_phentsize is 1, not 56")), ElfCheck.problem(with(elf, 54, 2, 1)));
        assertEquals(Optional.of(malformed("e_shentsize is 1, not 64")), ElfCheck.problem(with(elf, 58, 2, 1)));
        assertEquals(Optional.of(malformed("e_phoff " + (Long.MAX_VALUE - 8) + " + " + 56 * phnum + " overflows")),
                ElfCheck.problem(with(elf, 32, 8, Long.MAX_VALUE - 8)));
        assertEquals(Optional.of(malformed("e_phoff " + Long.toUnsignedString(-1) + " + " + 56 * phnum
                + " overflows")), ElfCheck.problem(with(elf, 32, 8, -1)));
        assertEquals(Optional.of(malformed("e_shoff " + Long.MAX_VALUE + " + " + 64 * shnum + " overflows")),
                ElfCheck.problem(with(elf, 40, 8, Long.MAX_VALUE)));
        long shoff = le(elf).getLong(40);
        assertEquals(Optional.of("it is cut short: " + elf.length + " bytes where its ELF headers describe "
                + (shoff + 64L * 0xffff) + " (still being written, or a broken copy)"),
                ElfCheck.problem(with(elf, 60, 2, 0xffff)), "e_shnum huge: its table lies past the end");
    }

    // The addresses the loader follows, each inside a segment and the file; what it calls, inside the code.
    @ParameterizedTest
    @EnumSource(Lang.class)
    void whatTheDynamicSegmentPointsToIsRefusedWordForWord(Lang lang) throws Exception {
        for (byte[] elf : List.of(good(lang), stripped(good(lang)))) {
            ByteBuffer b = le(elf);
            long strsz = b.getLong(dynamicValue(elf, DT_STRSZ));
            assertEquals(Optional.of(malformed("its string table (DT_STRTAB, DT_STRSZ) at 0x7fffff00 (" + strsz
                    + " bytes) lies outside its PT_LOAD segments' file bytes")),
                    ElfCheck.problem(with(elf, dynamicValue(elf, DT_STRTAB), 8, 0x7fffff00L)));
            assertEquals(Optional.of(malformed("its string table does not end with a NUL")),
                    ElfCheck.problem(with(elf, dynamicValue(elf, DT_STRSZ), 8, strsz - 1)));
            long data = b.getLong(programHeaderOfType(elf, 2) + 16);  // the dynamic segment: not code
            assertEquals(Optional.of(malformed("DT_INIT 0x" + Long.toHexString(data)
                    + " lies outside its executable segments")),
                    ElfCheck.problem(with(elf, dynamicValue(elf, DT_INIT), 8, data)));

            int initArray = (int) b.getLong(dynamicValue(elf, DT_INIT_ARRAY));
            int rela = offsetOf(elf, b.getLong(dynamicValue(elf, DT_RELA)));
            int relocation = rela;
            while (b.getLong(relocation) != initArray) {
                relocation += 24;
                assertTrue(relocation < rela + b.getLong(dynamicValue(elf, DT_RELASZ)), "its init array is relocated");
            }
            assertEquals(Optional.of(malformed("an entry of its DT_INIT_ARRAY is not relocated to its code, once")),
                    ElfCheck.problem(with(elf, relocation + 16, 8, data)), "to the dynamic segment");

            int firstLoad = programHeaderOfType(elf, 1);
            long filesz = b.getLong(firstLoad + 32);
            assertEquals(Optional.of(malformed("a PT_LOAD segment at 0x0 has p_filesz " + (filesz + 1)
                    + " larger than its p_memsz " + b.getLong(firstLoad + 40))),
                    ElfCheck.problem(with(elf, firstLoad + 32, 8, filesz + 1)));
            byte[] noLoad = elf;
            for (int i = 0; i < Short.toUnsignedInt(b.getShort(56)); i++) {
                if (b.getInt(programHeader(elf, i)) == 1) {
                    noLoad = with(noLoad, programHeader(elf, i), 4, 0x60000000);  // an OS-specific type
                }
            }
            assertEquals(Optional.of(malformed("it has no PT_LOAD segment")), ElfCheck.problem(noLoad));
            int dynamic = programHeaderOfType(elf, 2);
            assertEquals(Optional.of(malformed("its PT_DYNAMIC segment at 0x7fffff00 (" + b.getLong(dynamic + 32)
                    + " bytes) lies outside its PT_LOAD segments' file bytes")),
                    ElfCheck.problem(with(elf, dynamic + 16, 8, 0x7fffff00L)));
        }
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void aFileCutShortIsRefusedWordForWordAtEveryLength(Lang lang) throws Exception {
        byte[] elf = good(lang);
        assertEquals(Optional.of("it is cut short: " + elf.length / 2 + " bytes where its ELF headers describe "
                + elf.length + " (still being written, or a broken copy)"),
                ElfCheck.problem(Arrays.copyOf(elf, elf.length / 2)));
        byte[] bare = stripped(elf);
        int phend = (int) le(bare).getLong(32) + 56 * Short.toUnsignedInt(le(bare).getShort(56));
        for (byte[] file : List.of(elf, bare)) {
            for (int length = 64; length < file.length; length += Math.max(1, file.length / 500)) {
                long describes = file == bare && length < phend ? phend : file.length;
                assertEquals(Optional.of("it is cut short: " + length + " bytes where its ELF headers describe "
                        + describes + " (still being written, or a broken copy)"),
                        ElfCheck.problem(Arrays.copyOf(file, length)), "cut at " + length);
            }
        }
    }

    /** How far the headers reach: a file padded past that (truncate -s) holds bytes nothing points to. */
    @ParameterizedTest
    @EnumSource(Lang.class)
    void whatTheHeadersDescribeIsReadWithoutReadingTheRest(Lang lang) throws Exception {
        byte[] elf = good(lang);
        long[] read = {0};
        long size = 1L << 40;
        ElfCheck.Source padded = new ElfCheck.Source() {  // a terabyte: the library, then zeros
            @Override
            public long size() {
                return size;
            }

            @Override
            public int read(ByteBuffer into, long position) {
                int n = into.remaining();
                for (int i = 0; i < n; i++) {
                    into.put(position + i < elf.length ? elf[(int) (position + i)] : 0);
                }
                read[0] += n;
                return n;
            }
        };
        Report report = ElfCheck.inspect(padded);
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(elf.length, report.describes());
        assertTrue(read[0] < 256 * 1024, "read " + read[0] + " bytes of a " + elf.length + "-byte library");
        assertEquals(0, ElfCheck.inspect(ElfCheck.Source.of("#!/bin/sh\n".getBytes())).describes(), "not ELF");
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
     * {@code source}, compiled into a library in {@code dir} with {@code cc -shared -fPIC} and {@code flags}, with
     * its name as soname.
     */
    private static byte[] compile(Path dir, String name, String source, String... flags) throws IOException {
        Path c = dir.resolve(name + ".c");
        Files.writeString(c, source);
        Path library = dir.resolve("lib" + name + ".so");
        List<String> command = new ArrayList<>(List.of("cc", "-shared", "-fPIC", "-O2", "-o", library.toString(),
                "-Wl,-soname,lib" + name + ".so"));
        command.addAll(List.of(flags));
        command.add(c.toString());
        Natives.run(dir, command.toArray(String[]::new));
        return Files.readAllBytes(library);
    }

    /**
     * What linkers write is accepted, however it is linked: the checks are no stricter than the loader needs.
     * The library has thread-locals of three models, a constructor and a destructor, an IFUNC (target_clones),
     * exported data and an import; one more has a text relocation. A linker this machine lacks is left out,
     * saying so.
     */
    @Test
    void whatLinkersWriteIsAccepted(@TempDir Path dir) throws Exception {
        String source = """
                #include <stdio.h>
                __thread int general = 3;
                static __thread int initial __attribute__((tls_model("initial-exec")));
                static __thread int local __attribute__((tls_model("local-dynamic")));
                int data_export = 42;
                int (*pointer)(void);
                static int helper(void) { return 7; }
                __attribute__((constructor)) static void made(void) { pointer = helper; }
                __attribute__((destructor)) static void gone(void) { pointer = 0; }
                __attribute__((target_clones("default", "avx2"))) int cloned(int x) { return x * 2; }
                int foo(void) { initial++; local++; return general + pointer() + cloned(1) + puts(""); }
                """;
        List<List<String>> links = List.of(List.of(), List.of("-Wl,-z,pack-relative-relocs"),
                List.of("-Wl,--hash-style=sysv"), List.of("-Wl,--hash-style=both"), List.of("-Wl,-z,norelro"),
                List.of("-Wl,-z,now"), List.of("-fno-plt"), List.of("-Wl,-z,noseparate-code"),
                List.of("-Wl,-z,max-page-size=0x200000"), List.of("-O0", "-g"), List.of("-fuse-ld=gold"));
        int checked = 0;
        for (List<String> flags : links) {
            byte[] library;
            try {
                library = compile(dir, "linked" + checked, source, flags.toArray(String[]::new));
            } catch (AssertionError e) {
                System.out.println("ElfCheckTest: this machine cannot link with " + flags + ": left out");
                continue;
            }
            checked++;
            Report report = inspect(library);
            assertEquals(Optional.empty(), report.refusal(), flags.toString());
            assertEquals("STT_OBJECT", report.notFunctions().get("data_export"), flags.toString());
            assertEquals(Optional.empty(), inspect(stripped(library)).refusal(), flags + ", stripped");
        }
        assertTrue(checked >= links.size() - 1, "linked " + checked + " of " + links.size());
        String textrel = """
                int target(void) { return 5; }
                __asm__(".text\\n.globl moved\\n.type moved,@function\\nmoved: movabs $target, %rax\\n jmp *%rax\\n");
                """;
        Report report = inspect(compile(dir, "textrel", textrel, "-Wl,-z,notext"));
        assertEquals(Optional.empty(), report.refusal(), "an unaligned R_X86_64_64 in the code, with DT_TEXTREL");
    }

    // An initial-exec thread-local takes static TLS at each load, which glibc never gives back.
    @Test
    void anInitialExecThreadLocalIsWarnedOfWithTheFix(@TempDir Path dir) throws Exception {
        String source = "static __thread char counter[128] %s;\nint foo(void) { return ++counter[0]; }\n";
        byte[] initialExec = compile(dir, "initialexec",
                source.formatted("__attribute__((tls_model(\"initial-exec\")))"));
        Report report = inspect(initialExec);
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(List.of("it has initial-exec thread-locals (DF_STATIC_TLS): each version takes a block of"
                + " glibc's static TLS that is never given back, and after about a dozen reloads every version is"
                + " refused until a restart; build it with -ftls-model=global-dynamic"), report.warnings());
        assertEquals(List.of(), inspect(compile(dir, "globaldynamic", source.formatted(""))).warnings(),
                "the default model for -fPIC: nothing to warn of");
    }

    // -z nodelete keeps every version mapped.
    @Test
    void aLibraryLinkedWithNodeleteIsWarnedOfWithTheFix(@TempDir Path dir) throws Exception {
        String source = "int foo(void) { return 1; }\n";
        Report report = inspect(compile(dir, "nodelete", source, "-Wl,-z,nodelete"));
        assertEquals(Optional.empty(), report.refusal());
        assertEquals(List.of("it is linked with -z nodelete (DF_1_NODELETE): glibc never unloads it, so every"
                + " version stays mapped; link it without -z nodelete"), report.warnings());
        assertEquals(List.of(), inspect(compile(dir, "plain", source)).warnings());
    }
}
