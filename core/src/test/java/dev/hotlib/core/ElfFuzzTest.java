package dev.hotlib.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotlib.core.Natives.Lang;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fuzzing whose property is ElfCheck's promise: what it accepts, dlopen survives. Mutants of the project's two
 * libraries (build/lib/libhotlib_c.so and libhotlib_rust.so), and of copies of them with their section headers
 * stripped as sstrip does, change what the loader reads: the ELF header, the program headers, the dynamic
 * segment and the tables it points to (symbols, names, hash tables, versions, relocations, init and fini
 * arrays). Each mutant ElfCheck accepts is loaded with dlopen and unloaded in a child process of a small C
 * program (src/test/native/dlopen_batch.c, compiled into target/), a batch at a time: with RTLD_LAZY, as the JVM
 * loads a library, then with RTLD_NOW. A child that dies of a signal, or of ld.so's fatal assertion (exit 127),
 * fails the test, unless the mutant changed only what the library's own code runs or reads (see
 * {@link Mutant#codeOnly}): such deaths are counted and printed, for no check before loading can judge code.
 *
 * <p>Each run takes a new random seed, printed, which {@code -Dhotlib.fuzzSeed=N} replays;
 * {@code -Dhotlib.fuzzInputs=N} sets the number of inputs per library (3000 by default; the long run is
 * {@code mvn -o -pl core test -Dtest=ElfFuzzTest -Dhotlib.fuzzInputs=100000}). Every mutant that ever crashed
 * dlopen is kept, gzipped, in src/test/resources/elf-corpus/ and replayed by each run: ElfCheck must refuse it,
 * or dlopen survive it. The children's messages (dlopen's errors, where a child died) are in
 * target/elf-fuzz/dlopen.log.
 */
class ElfFuzzTest {
    private static final int INPUTS = Integer.getInteger("hotlib.fuzzInputs", 3000);
    private static final long SEED = Long.getLong("hotlib.fuzzSeed", new SecureRandom().nextLong());
    /** Mutants written and loaded at a time. */
    private static final int BATCH = 250;

    private static Path work() throws IOException {
        return Files.createDirectories(Natives.root().resolve("core/target/elf-fuzz"));
    }

    private static Path corpus() {
        return Natives.root().resolve("core/src/test/resources/elf-corpus");
    }

    /** The published library of {@code lang}, built first (with the test variants) if need be. */
    private static Path library(Lang lang) {
        Natives.variant(lang, "v1");
        Path file = Natives.root().resolve("build/lib").resolve(System.mapLibraryName("hotlib_" + lang.dir));
        assertTrue(Files.isRegularFile(file), "the build did not produce " + file);
        return file;
    }

    @ParameterizedTest
    @EnumSource(Lang.class)
    void everyMutantTheCheckAcceptsSurvivesDlopen(Lang lang, @TempDir Path dir) throws Exception {
        byte[] original = Files.readAllBytes(library(lang));
        byte[] stripped = Mutator.stripped(original);
        assertEquals(Optional.empty(), ElfCheck.problem(original), "the library itself");
        assertEquals(Optional.empty(), ElfCheck.problem(stripped), "its copy without section headers");
        System.out.println("ElfFuzzTest " + lang + ": seed " + SEED + " (-Dhotlib.fuzzSeed=" + SEED + " replays"
                + " it), " + INPUTS + " inputs");
        Mutator full = new Mutator(lang.dir, original, original, new Random(SEED ^ lang.ordinal()));
        Mutator bare = new Mutator(lang.dir + "-stripped", original, stripped, new Random(SEED ^ lang.ordinal() + 2));
        Tally tally = new Tally();
        try (Loader loader = new Loader(dir)) {
            List<Mutant> batch = new ArrayList<>();
            for (int n = 0; n < INPUTS; n++) {
                Mutant mutant = (n % 2 == 0 ? full : bare).mutate(n);
                tally.tried++;
                ElfCheck.Report report = ElfCheck.inspect(ElfCheck.Source.of(mutant.bytes()));
                if (report.refusal().isPresent()) {
                    String why = report.refusal().get();
                    if (why.lines().count() != 1 || why.contains("could not be checked")) {
                        tally.checkFailures.add(mutant.name() + " (" + mutant.changes() + "): " + why);
                    }
                    continue;
                }
                tally.accepted++;
                batch.add(mutant);
                if (batch.size() == BATCH) {
                    loader.load(batch, tally);
                    batch.clear();
                }
            }
            loader.load(batch, tally);
        }
        System.out.println("ElfFuzzTest " + lang + ": " + tally.tried + " inputs tried, " + tally.accepted
                + " accepted, " + tally.crashed.size() + " crashed in dlopen; of the accepted, " + tally.codeOnly
                + " changed only what the library's own code runs or reads, and " + tally.inItsCode.size()
                + " of those died in that code (seed " + SEED + ")");
        tally.inItsCode.stream().limit(10).forEach(death -> System.out.println("  died in its code: " + death));
        assertEquals(List.of(), tally.checkFailures, "ElfCheck refused with more than a line, or threw");
        assertEquals(List.of(), tally.crashed, "accepted by ElfCheck, and dlopen died: kept in " + corpus()
                + ", see " + work().resolve("dlopen.log"));
        assertTrue(tally.accepted > 0 && tally.accepted < tally.tried, "the mutations reach both verdicts");
    }

    @Test
    void everyMutantThatEverCrashedIsRefusedOrSurvivesDlopen(@TempDir Path dir) throws Exception {
        List<Path> kept;
        try (Stream<Path> files = Files.list(corpus())) {
            kept = files.filter(f -> f.toString().endsWith(".so.gz")).sorted().toList();
        }
        assertFalse(kept.isEmpty(), "the corpus is in " + corpus());
        Tally tally = new Tally();
        List<Mutant> accepted = new ArrayList<>();
        for (Path file : kept) {
            byte[] bytes;
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                bytes = in.readAllBytes();
            }
            tally.tried++;
            if (ElfCheck.inspect(ElfCheck.Source.of(bytes)).refusal().isEmpty()) {
                tally.accepted++;
                accepted.add(new Mutant(file.getFileName().toString().replace(".so.gz", ""), bytes, "kept", false));
            }
        }
        try (Loader loader = new Loader(dir)) {
            loader.keep = false;
            loader.load(accepted, tally);
        }
        System.out.println("ElfFuzzTest corpus: " + tally.tried + " inputs tried, " + tally.accepted + " accepted, "
                + tally.crashed.size() + " crashed in dlopen");
        assertEquals(List.of(), tally.crashed, "see " + work().resolve("dlopen.log"));
    }

    /**
     * A mutant: {@code changes} says what was changed; {@code codeOnly} when that was only what the library's
     * own code runs or reads (which code the loader calls, fewer relocations, a relocation's addend or symbol, a
     * symbol's name or value, which function an import binds to, its data), which no check before loading can
     * judge: a constructor moved to another place in the code, or an import bound to another function, is a
     * library with other code. ElfCheck still checks such a mutant in full: the loader's own reads stay inside
     * what it checked, so such a death is that code's, or what it called.
     */
    record Mutant(String name, byte[] bytes, String changes, boolean codeOnly) {}

    /** What a run saw. */
    private static final class Tally {
        int tried;
        int accepted;
        int codeOnly;
        final List<String> crashed = new ArrayList<>();
        final List<String> inItsCode = new ArrayList<>();
        final List<String> checkFailures = new ArrayList<>();
    }

    /**
     * The batch loader, running: mutants are written to files, their paths sent to it, and its verdicts read
     * back, one line each. A death counts against ElfCheck, and the mutant is kept in the corpus, unless the
     * mutant changed only what the library's own code runs or reads: the loader then reads tables ElfCheck
     * checked in full, and what dies is that code, or what it called.
     */
    private static final class Loader implements AutoCloseable {
        private final Path dir;
        private final boolean ownDir;
        private final Process process;
        private final Writer toLoader;
        private final BufferedReader fromLoader;
        boolean keep = true;

        /** Writes the mutants in {@code dir}, or in memory (/dev/shm) where there is such a file system. */
        Loader(Path dir) throws IOException, InterruptedException {
            Path shm = Path.of("/dev/shm");
            ownDir = Files.isDirectory(shm) && Files.isWritable(shm);
            this.dir = ownDir ? Files.createTempDirectory(shm, "elf-fuzz") : dir;
            Path source = Natives.root().resolve("core/src/test/native/dlopen_batch.c");
            Path binary = work().resolve("dlopen_batch");
            if (!Files.exists(binary) || Files.getLastModifiedTime(binary).compareTo(
                    Files.getLastModifiedTime(source)) < 0) {
                Path temp = work().resolve("dlopen_batch.tmp");
                Natives.run(work(), "cc", "-O2", "-Wall", "-o", temp.toString(), source.toString(), "-ldl");
                Files.move(temp, binary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            process = new ProcessBuilder(binary.toString()).directory(this.dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(work().resolve("dlopen.log").toFile()))
                    .start();
            toLoader = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            fromLoader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Loads each of {@code mutants} in a child, and adds each death to {@code tally}. */
        void load(List<Mutant> mutants, Tally tally) throws IOException {
            List<Path> files = new ArrayList<>();
            for (Mutant mutant : mutants) {
                Path file = dir.resolve(mutant.name() + ".so");
                Files.write(file, mutant.bytes());
                files.add(file);
                toLoader.write(file + "\n");
                if (mutant.codeOnly()) {
                    tally.codeOnly++;
                }
            }
            toLoader.flush();
            for (int i = 0; i < files.size(); i++) {
                Mutant mutant = mutants.get(i);
                String line = fromLoader.readLine();
                assertTrue(line != null, "the batch loader ended early: see " + work().resolve("dlopen.log"));
                String[] verdict = line.split(" ", 4);
                assertEquals(files.get(i).toString(), verdict[3], "the batch loader answers in order");
                boolean survived = verdict[0].equals("exit") && (verdict[1].equals("0") || verdict[1].equals("1"));
                String death = mutant.name() + " (" + mutant.changes() + "): " + verdict[0] + " " + verdict[1]
                        + " in " + verdict[2];
                if (survived) {
                    Files.delete(files.get(i));
                } else if (mutant.codeOnly()) {
                    tally.inItsCode.add(death);
                    Files.delete(files.get(i));
                } else {
                    tally.crashed.add((keep ? keep(mutant) + ": " : "") + death);
                    Files.delete(files.get(i));
                }
            }
        }

        private String keep(Mutant mutant) throws IOException {
            Files.createDirectories(corpus());
            Path file = corpus().resolve(mutant.name() + "-seed" + Long.toHexString(SEED) + ".so.gz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(mutant.bytes());
            }
            return file.getFileName().toString();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            toLoader.close();
            int exit = process.waitFor();
            if (ownDir) {
                try (Stream<Path> left = Files.list(dir)) {
                    for (Path file : left.toList()) {
                        Files.delete(file);
                    }
                }
                Files.delete(dir);
            }
            assertEquals(0, exit, "the batch loader's exit: see " + work().resolve("dlopen.log"));
        }
    }

    /**
     * Mutates what the loader reads of one library. Where each part lies is read from the original's section
     * headers (the test's own reading, independent of ElfCheck's); a mutant is made from {@code base}, the
     * original or its stripped copy, which keep every part at the same offset. Most mutants change one field;
     * a quarter change up to four. A mutant that changes what the library's own code runs or reads changes
     * only that (see {@link Mutant#codeOnly}).
     */
    static final class Mutator {
        /** A part of the file: {@code count} entries of {@code size} bytes, each with these fields (offset, width). */
        private record Part(String name, int start, int size, int count, int[][] fields) {}

        private static final int[][] BYTES = {{0, 1}};
        private static final int[][] HALVES = {{0, 2}};
        private static final int[][] WORDS = {{0, 4}};
        private static final int[][] LONGS = {{0, 8}};
        private static final int[][] HEADER = {{4, 1}, {5, 1}, {6, 1}, {7, 1}, {8, 1}, {16, 2}, {18, 2}, {20, 4},
            {24, 8}, {32, 8}, {40, 8}, {48, 4}, {52, 2}, {54, 2}, {56, 2}, {58, 2}, {60, 2}, {62, 2}};
        private static final int[][] PHDR = {{0, 4}, {4, 4}, {8, 8}, {16, 8}, {24, 8}, {32, 8}, {40, 8}, {48, 8}};
        private static final int[][] DYN = {{0, 8}, {0, 1}, {8, 8}, {8, 1}, {9, 1}, {8, 2}};
        private static final int[][] SYM = {{0, 4}, {4, 1}, {5, 1}, {6, 2}, {8, 8}, {8, 1}, {9, 1}, {16, 8}};
        private static final int[][] RELA = {{0, 8}, {0, 1}, {1, 1}, {8, 4}, {8, 1}, {12, 4}, {12, 1}, {16, 8},
            {16, 1}, {17, 1}};
        private static final int[][] VERNEED = {{0, 2}, {2, 2}, {4, 4}, {8, 4}, {12, 4}};
        private static final int[][] VERAUX = {{0, 4}, {4, 2}, {6, 2}, {8, 4}, {12, 4}};
        /** Dynamic tags the loader reads, to add. */
        private static final List<Long> ADDED_TAGS = List.of(1L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L,
                15L, 16L, 17L, 18L, 19L, 20L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L, 32L, 33L, 35L, 36L, 37L,
                0x6ffffef5L, 0x6ffffef6L, 0x6ffffef7L, 0x6ffffefaL, 0x6ffffefbL, 0x6ffffefcL, 0x6ffffff0L,
                0x6ffffff9L, 0x6ffffffaL, 0x6ffffffbL, 0x6ffffffcL, 0x6ffffffdL, 0x6ffffffeL, 0x6fffffffL,
                0x7ffffffdL, 0x7fffffffL);
        /** Segment types the loader reads, to give a program header. */
        private static final List<Long> ADDED_SEGMENTS = List.of(1L, 2L, 3L, 4L, 6L, 7L, 0x6474e550L, 0x6474e551L,
                0x6474e552L, 0x6474e553L);
        /** DT_INIT, DT_FINI, DT_INIT_ARRAY, DT_FINI_ARRAY and their sizes: which code the loader calls. */
        private static final List<Long> CODE_TAGS = List.of(12L, 13L, 25L, 26L, 27L, 28L);
        /** DT_PLTRELSZ, DT_RELASZ, DT_RELRSZ and DT_RELACOUNT. */
        private static final List<Long> RELOCATION_SIZES = List.of(2L, 8L, 35L, 0x6ffffff9L);

        private final String name;
        private final byte[] original;
        private final byte[] base;
        private final Random random;
        private final List<Part> parts = new ArrayList<>();
        /** Values that mean something in this file: sizes, offsets, addresses of its parts, and edges. */
        private final List<Long> values = new ArrayList<>();

        Mutator(String name, byte[] original, byte[] base, Random random) {
            this.name = name;
            this.original = original;
            this.base = base;
            this.random = random;
            ByteBuffer b = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
            parts.add(new Part("ELF header", 0, 64, 1, HEADER));
            int phoff = (int) b.getLong(32);
            int phnum = Short.toUnsignedInt(b.getShort(56));
            parts.add(new Part("program header", phoff, 56, phnum, PHDR));
            for (int i = 0; i < phnum; i++) {
                int at = phoff + i * 56;
                for (int field = 8; field <= 48; field += 8) {
                    values.add(b.getLong(at + field));
                }
                values.add(b.getLong(at + 16) + b.getLong(at + 40));
                values.add(b.getLong(at + 8) + b.getLong(at + 32));
            }
            long shoff = b.getLong(40);
            int shnum = Short.toUnsignedInt(b.getShort(60));
            for (int i = 0; i < shnum; i++) {
                int at = (int) shoff + i * 64;
                int type = b.getInt(at + 4);
                long flags = b.getLong(at + 8);
                int offset = (int) b.getLong(at + 24);
                int size = (int) b.getLong(at + 32);
                if ((flags & 2) == 0 || type == 8 /* SHT_NOBITS */ || size == 0) {
                    continue;  // not loaded, or not in the file
                }
                values.add(b.getLong(at + 16));
                values.add(b.getLong(at + 16) + size);
                values.add((long) size);
                switch (type) {
                    case 6 -> parts.add(new Part("dynamic", offset, 16, size / 16, DYN));
                    case 11 -> parts.add(new Part("symbol", offset, 24, size / 24, SYM));
                    case 3 -> parts.add(new Part("names", offset, 1, size, BYTES));
                    case 4 -> parts.add(new Part("relocation", offset, 24, size / 24, RELA));
                    case 5 -> parts.add(new Part("hash", offset, 4, size / 4, WORDS));
                    case 14, 15 -> parts.add(new Part("init or fini array", offset, 8, size / 8, LONGS));
                    case 7 -> parts.add(new Part("note", offset, 4, size / 4, WORDS));
                    case 0x6ffffff6 -> parts.add(new Part("GNU hash", offset, 4, size / 4, WORDS));
                    case 0x6fffffff -> parts.add(new Part("symbol version", offset, 2, size / 2, HALVES));
                    case 0x6ffffffd -> parts.add(new Part("version definitions", offset, 4, size / 4, WORDS));
                    case 0x6ffffffe -> {
                        parts.add(new Part("version need", offset, 16, size / 16, VERNEED));
                        parts.add(new Part("needed version", offset, 16, size / 16, VERAUX));
                    }
                    default -> {
                        if ((flags & 1) != 0 && size >= 8) {  // writable: .got, .data, .tdata
                            parts.add(new Part("data", offset, 8, Math.min(size / 8, 64), LONGS));
                        }
                    }
                }
            }
            values.addAll(List.of(0L, 1L, 2L, 3L, 4L, 7L, 8L, 16L, 24L, 56L, 64L, 0x7fL, 0x80L, 0xffL, 0x1000L,
                    0xffffL, 0x10000L, 0x7fffffffL, 0x80000000L, 0xffffffffL, Long.MAX_VALUE, Long.MIN_VALUE, -1L,
                    -8L, -24L, (long) base.length, base.length - 1L, base.length + 1L));
            for (long tag = 1; tag <= 37; tag++) {  // dynamic tags; relocation, symbol and segment types
                values.add(tag);
            }
            values.addAll(List.of(0x6ffffef5L, 0x6ffffef6L, 0x6ffffef7L, 0x6ffffefcL, 0x6ffffff0L, 0x6ffffff9L,
                    0x6ffffffbL, 0x6ffffffcL, 0x6ffffffeL, 0x7ffffffdL, 0x7fffffffL, 0x6474e550L, 0x6474e551L,
                    0x6474e552L, 0x6474e553L, 38L, 0x10L, 0x11L, 0x12L, 0x16L, 0x1aL, 0x20L, 0x22L, 0xa2L,
                    0xfff1L, 0xfff2L, 0xffffL));
        }

        /** A copy of {@code elf} as sstrip leaves it: no section headers, nothing after the last segment. */
        static byte[] stripped(byte[] elf) {
            ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
            int phoff = (int) b.getLong(32);
            int phnum = Short.toUnsignedInt(b.getShort(56));
            long end = Math.max(64, phoff + 56L * phnum);
            for (int i = 0; i < phnum; i++) {
                int at = phoff + i * 56;
                end = Math.max(end, b.getLong(at + 8) + b.getLong(at + 32));
            }
            byte[] copy = Arrays.copyOf(elf, (int) end);
            ByteBuffer c = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
            c.putLong(40, 0);           // e_shoff
            c.putShort(60, (short) 0);  // e_shnum
            c.putShort(62, (short) 0);  // e_shstrndx
            return copy;
        }

        /** Mutant number {@code n}. */
        Mutant mutate(int n) {
            byte[] file = base.clone();
            ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
            int mutations = random.nextInt(4) == 0 ? 2 + random.nextInt(3) : 1;
            List<String> changes = new ArrayList<>();
            boolean codeOnly = false;
            for (int k = 0; k < mutations; k++) {
                if (random.nextInt(10) == 0) {  // an entry the original does not have
                    Boolean code = added(file, b, changes, k == 0);
                    if (code != null && code) {
                        mutations = 1;
                        codeOnly = true;
                    }
                    continue;
                }
                if (random.nextInt(5) == 0) {  // bytes anywhere in the parts, across fields and entries
                    Boolean code = raw(file, b, changes, k == 0);
                    if (code != null && code) {
                        mutations = 1;
                        codeOnly = true;
                    }
                    continue;
                }
                Part part = parts.get(random.nextInt(parts.size()));
                if (part.count() <= 0) {
                    continue;
                }
                int entry = random.nextInt(part.count());
                int other = random.nextInt(part.count());
                int how = random.nextInt(20);
                int[] field = part.fields()[random.nextInt(part.fields().length)];
                boolean whole = (how == 0 || how == 1) && part.count() > 1;
                int at = part.start() + entry * part.size() + field[0];
                if (!whole && (at < 0 || at + field[1] > file.length)) {
                    continue;
                }
                long value = whole ? 0 : value(read(b, at, field[1]), part, b, field) & mask(field[1]);
                boolean code = whole ? movesCode(part, entry) || movesCode(part, other)
                        : isCode(part, entry, field, value);
                if (code && k > 0) {
                    continue;  // what the code runs or reads changes alone, or not at all
                }
                if (code) {
                    mutations = 1;
                    codeOnly = true;
                }
                String where = part.name() + " " + entry;
                if (how == 0 && whole) {  // an entry copied over another
                    copyEntry(file, part, other, entry);
                    changes.add(part.name() + " " + other + " copied over " + entry);
                } else if (how == 1 && whole) {  // two entries swapped
                    byte[] saved = Arrays.copyOfRange(file, part.start() + entry * part.size(),
                            part.start() + (entry + 1) * part.size());
                    copyEntry(file, part, other, entry);
                    System.arraycopy(saved, 0, file, part.start() + other * part.size(), part.size());
                    changes.add(part.name() + "s " + entry + " and " + other + " swapped");
                } else {
                    write(b, at, field[1], value);
                    changes.add(where + " +" + field[0] + ":" + field[1] + " = 0x" + Long.toHexString(value));
                }
            }
            if (!codeOnly && random.nextInt(50) == 0) {
                int length = random.nextInt(file.length);
                file = Arrays.copyOf(file, length);
                changes.add("cut to " + length + " bytes");
            }
            return new Mutant(name + "-" + n, file, String.join(", ", changes), codeOnly);
        }

        /**
         * Adds a dynamic entry before DT_NULL, or gives a program header that is neither PT_LOAD nor PT_DYNAMIC
         * a type the loader reads and fields of this file's values; whether that changed only what the code runs
         * (a DT_INIT, DT_FINI or init or fini array added), or null when it changed nothing.
         */
        private Boolean added(byte[] file, ByteBuffer b, List<String> changes, boolean first) {
            if (random.nextBoolean()) {
                Part dynamic = parts.stream().filter(p -> p.name().equals("dynamic")).findFirst().orElse(null);
                if (dynamic == null) {
                    return null;
                }
                int end = 0;
                while (end < dynamic.count() && b.getLong(dynamic.start() + end * 16) != 0) {
                    end++;
                }
                long tag = ADDED_TAGS.get(random.nextInt(ADDED_TAGS.size()));
                if (end + 1 >= dynamic.count() || (CODE_TAGS.contains(tag) && !first)) {
                    return null;
                }
                long value = values.get(random.nextInt(values.size()));
                b.putLong(dynamic.start() + end * 16, tag);
                b.putLong(dynamic.start() + end * 16 + 8, value);
                b.putLong(dynamic.start() + end * 16 + 16, 0);
                b.putLong(dynamic.start() + end * 16 + 24, 0);
                changes.add("dynamic entry 0x" + Long.toHexString(tag) + " = 0x" + Long.toHexString(value)
                        + " added");
                return CODE_TAGS.contains(tag);
            }
            Part headers = parts.get(1);
            int entry = random.nextInt(headers.count());
            int at = headers.start() + entry * headers.size();
            if (b.getInt(at) == 1 || b.getInt(at) == 2) {
                return null;
            }
            long type = ADDED_SEGMENTS.get(random.nextInt(ADDED_SEGMENTS.size()));
            b.putInt(at, (int) type);
            b.putInt(at + 4, random.nextInt(8));
            for (int field = 8; field <= 48; field += 8) {
                b.putLong(at + field, values.get(random.nextInt(values.size())));
            }
            changes.add("program header " + entry + " made of type 0x" + Long.toHexString(type));
            return false;
        }

        /**
         * Writes 1, 2, 4 or 8 bytes at a random place of a random part; whether that changed only what the code
         * runs or reads, or null when it changed nothing (it would have mixed both kinds, or come after the
         * first change and changed only what the code runs or reads).
         */
        private Boolean raw(byte[] file, ByteBuffer b, List<String> changes, boolean first) {
            Part part = parts.get(random.nextInt(parts.size()));
            int length = part.size() * part.count();
            int width = new int[] {1, 2, 4, 8}[random.nextInt(4)];
            if (length < width) {
                return null;
            }
            int at = part.start() + random.nextInt(length - width + 1);
            if (at + width > file.length) {
                return null;
            }
            byte[] saved = Arrays.copyOfRange(file, at, at + width);
            long value = value(read(b, at, width), part, b, new int[] {0, width});
            write(b, at, width, value);
            boolean code = false;
            boolean other = false;
            for (int i = at; i < at + width; i++) {
                int entry = (i - part.start()) / part.size();
                int within = (i - part.start()) % part.size();
                int[] field = null;
                for (int[] f : part.fields()) {  // the widest field that holds this byte
                    if (within >= f[0] && within < f[0] + f[1] && (field == null || f[1] > field[1])) {
                        field = f;
                    }
                }
                boolean isCode = field != null && isCode(part, entry, field,
                        read(b, part.start() + entry * part.size() + field[0], field[1]));
                code |= isCode;
                other |= !isCode;
            }
            if ((code && other) || (code && !first)) {
                System.arraycopy(saved, 0, file, at, width);
                return null;
            }
            changes.add(part.name() + " bytes at " + at + ":" + width + " = 0x"
                    + Long.toHexString(value & mask(width)));
            return code;
        }

        /**
         * Whether setting {@code field} of {@code entry} to {@code value} changes only what the library's own code
         * runs or reads: which code the loader calls (DT_INIT, DT_FINI, the init and fini arrays), fewer
         * relocations (which leave data as the file has it), a relocation's symbol or addend (the value its data
         * will hold), which function an import binds to (a symbol's name, or an import made a definition or the
         * other way round), a defined symbol's value, its data.
         */
        private boolean isCode(Part part, int entry, int[] field, long value) {
            ByteBuffer o = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
            int at = part.start() + entry * part.size();
            return switch (part.name()) {
                case "dynamic" -> field[0] >= 8 && (movesCode(part, entry) || (RELOCATION_SIZES.contains(o.getLong(at))
                        && Long.compareUnsigned(value, read(o, at + field[0], field[1])) < 0));
                case "relocation" -> field[0] >= 12;
                case "symbol" -> field[0] == 0 || ((field[0] == 8 || field[0] == 9) && o.getShort(at + 6) != 0)
                        || (field[0] == 6 && (o.getShort(at + 6) == 0) != (value == 0));
                case "data" -> true;
                default -> false;
            };
        }

        private static long mask(int width) {
            return width == 8 ? -1 : (1L << (width * 8)) - 1;
        }

        /** Whether moving or overwriting {@code entry} changes what the library's code runs or reads. */
        private boolean movesCode(Part part, int entry) {
            ByteBuffer o = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
            int at = part.start() + entry * part.size();
            return switch (part.name()) {
                case "dynamic" -> CODE_TAGS.contains(o.getLong(at));
                case "relocation", "symbol", "data" -> true;
                default -> false;
            };
        }

        private void copyEntry(byte[] file, Part part, int from, int to) {
            int a = part.start() + from * part.size();
            int b = part.start() + to * part.size();
            if (Math.max(a, b) + part.size() <= file.length) {
                System.arraycopy(file, a, file, b, part.size());
            }
        }

        /** A new value for a field that holds {@code old}. */
        private long value(long old, Part part, ByteBuffer b, int[] field) {
            switch (random.nextInt(7)) {
                case 0:
                    return old ^ (1L << random.nextInt(field[1] * 8));
                case 1:
                    return old + (random.nextBoolean() ? 1 : -1) * new long[] {1, 2, 4, 8, 16, 24, 0x100, 0x1000}
                            [random.nextInt(8)];
                case 2: {  // the same field of another entry
                    int at = part.start() + random.nextInt(part.count()) * part.size() + field[0];
                    return at + field[1] <= b.limit() ? read(b, at, field[1]) : old;
                }
                case 3:
                    return random.nextLong();
                default:
                    return values.get(random.nextInt(values.size()));
            }
        }

        private static long read(ByteBuffer b, int at, int width) {
            return switch (width) {
                case 1 -> Byte.toUnsignedLong(b.get(at));
                case 2 -> Short.toUnsignedLong(b.getShort(at));
                case 4 -> Integer.toUnsignedLong(b.getInt(at));
                default -> b.getLong(at);
            };
        }

        private static void write(ByteBuffer b, int at, int width, long value) {
            switch (width) {
                case 1 -> b.put(at, (byte) value);
                case 2 -> b.putShort(at, (short) value);
                case 4 -> b.putInt(at, (int) value);
                default -> b.putLong(at, value);
            }
        }
    }
}
