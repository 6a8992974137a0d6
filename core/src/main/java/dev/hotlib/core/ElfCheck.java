package dev.hotlib.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the few ELF tables that tell, before any backend calls dlopen, whether loading a file would crash the
 * JVM or keep it from ever unloading. Reads only headers and tables, with positional reads through a small
 * window, so its heap does not depend on the file's size; every read is bounds-checked, and a malformed file
 * is a refusal, never an exception.
 *
 * <ul>
 *   <li>A file cut short: glibc maps the segments the program headers describe, and touching a page past the
 *       end of the file kills the JVM with SIGBUS (seen in every backend with a library cut to half its size).
 *   <li>What it exports that is not a function ({@code int32_t step = 5;}): every lookup finds it, and calling
 *       it jumps into data (SIGSEGV); {@link LibraryFile#checkFunction} refuses such a name when a binding
 *       looks it up.
 *   <li>Warnings: a STB_GNU_UNIQUE symbol, or a C++ thread-local destructor, keeps glibc from unloading it.
 *   <li>What it needs: DT_NEEDED and its RUNPATH/RPATH, so that its sibling libraries can be copied with it.
 * </ul>
 * Everything else that is wrong with a file (random bytes, another architecture, 32-bit, not a library)
 * dlopen refuses by itself, with an error and no crash: only 64-bit little-endian ELF is inspected.
 */
final class ElfCheck {
    /** Where the bytes come from: a file channel in production, an array in tests. */
    interface Source {
        long size() throws IOException;

        /** Reads into {@code into} from {@code position}; the number of bytes read, -1 at the end. */
        int read(ByteBuffer into, long position) throws IOException;

        /** The file read through {@code channel}, whose size the caller knows (no fstat(2) here). */
        static Source of(FileChannel channel, long size) {
            return new Source() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public int read(ByteBuffer into, long position) throws IOException {
                    return channel.read(into, position);
                }
            };
        }

        static Source of(byte[] bytes) {
            return new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public int read(ByteBuffer into, long position) {
                    if (position >= bytes.length) {
                        return -1;
                    }
                    int n = (int) Math.min(into.remaining(), bytes.length - position);
                    into.put(bytes, (int) position, n);
                    return n;
                }
            };
        }
    }

    /**
     * What was found: {@code refusal} why it must not be loaded (or empty), {@code warnings} what to tell once it
     * is loaded, {@code needed} its DT_NEEDED names and {@code searchPath} its RUNPATH (or RPATH) entries.
     */
    record Report(Optional<String> refusal, List<String> warnings, List<String> needed, List<String> searchPath,
                  Map<String, String> notFunctions) {
        static final Report NOTHING_TO_SAY = new Report(Optional.empty(), List.of(), List.of(), List.of(), Map.of());

        static Report refuse(String why) {
            return new Report(Optional.of(why), List.of(), List.of(), List.of(), Map.of());
        }
    }

    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int SHT_DYNAMIC = 6;
    private static final int SHT_DYNSYM = 11;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int STB_WEAK = 2;
    private static final int STB_GNU_UNIQUE = 10;
    private static final long DT_NEEDED = 1;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    private static final byte[] CXA_THREAD_ATEXIT = "__cxa_thread_atexit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CXA_THREAD_ATEXIT_IMPL =
            "__cxa_thread_atexit_impl".getBytes(StandardCharsets.US_ASCII);
    /** More symbols than any real library has: a table claiming more is read this far and no further. */
    private static final long MAX_SYMBOLS = 1 << 20;
    private static final long MAX_DYNAMIC_ENTRIES = 1 << 16;

    private ElfCheck() {}

    /** Why {@code file} must not be handed to dlopen, or empty (tests and tools; the host uses {@link #inspect}). */
    static Optional<String> problem(byte[] file) {
        return inspect(Source.of(file)).refusal();
    }

    /** Inspects {@code file}; never throws: a file that cannot be read or parsed is a refusal. */
    static Report inspect(Source file) {
        try {
            return new Reader(new Window(file)).report();
        } catch (Malformed e) {
            return Report.refuse("its ELF headers are malformed (" + e.getMessage()
                    + "): not a library a linker wrote");
        } catch (IOException e) {
            return Report.refuse("it cannot be read (" + e + ")");
        } catch (RuntimeException e) {
            return Report.refuse("its ELF headers could not be checked (" + e + ")");
        }
    }

    /** A read outside the file, or a table that cannot be what it says. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /** Bounds-checked little-endian reads through one fixed-size buffer. */
    private static final class Window {
        private static final int SIZE = 16 * 1024;  // a small library's tables in one read
        private final Source source;
        private final long size;
        private final ByteBuffer buffer = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        private long start = -1;  // file offset of buffer[0]; the buffer holds [start, start + limit)

        Window(Source source) throws IOException {
            this.source = source;
            this.size = source.size();
        }

        long size() {
            return size;
        }

        /** Whether [offset, offset + length) lies inside the file, without overflowing. */
        boolean inside(long offset, long length) {
            return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
        }

        int u8(long offset) throws IOException, Malformed {
            return Byte.toUnsignedInt(buffer.get(at(offset, 1)));
        }

        int u16(long offset) throws IOException, Malformed {
            return Short.toUnsignedInt(buffer.getShort(at(offset, 2)));
        }

        long u32(long offset) throws IOException, Malformed {
            return Integer.toUnsignedLong(buffer.getInt(at(offset, 4)));
        }

        /** A 64-bit field; values of 2^63 and more, which no real file has, read as negative. */
        long u64(long offset) throws IOException, Malformed {
            return buffer.getLong(at(offset, 8));
        }

        /** The NUL-terminated string at {@code offset}, which must end before {@code end}; at most 4096 bytes. */
        String string(long offset, long end) throws IOException, Malformed {
            StringBuilder s = new StringBuilder();
            for (long at = offset; ; at++) {
                if (at >= end || s.length() > 4096) {
                    throw new Malformed("a name runs past its string table");
                }
                int c = u8(at);
                if (c == 0) {
                    return s.toString();
                }
                s.append((char) c);
            }
        }

        /**
         * Whether the NUL-terminated string at {@code offset} is {@code name}, without making a String: reads
         * until the first difference, so a name that differs early costs one byte's read.
         */
        boolean nameIs(long offset, long end, byte[] name) throws IOException, Malformed {
            if (offset >= end) {
                throw new Malformed("a name lies outside its string table");
            }
            for (int i = 0; i <= name.length; i++) {
                if (offset + i >= end) {
                    throw new Malformed("a name runs past its string table");
                }
                int c = u8(offset + i);
                if (c != (i < name.length ? name[i] : 0)) {
                    return false;
                }
            }
            return true;
        }

        /** The index in the buffer of [offset, offset + length), reading that part of the file if needed. */
        private int at(long offset, int length) throws IOException, Malformed {
            if (!inside(offset, length)) {
                throw new Malformed("a read at " + Long.toUnsignedString(offset) + " lies outside its "
                        + size + " bytes");
            }
            if (start < 0 || offset < start || offset + length > start + buffer.limit()) {
                fill(offset);
            }
            return (int) (offset - start);
        }

        private void fill(long offset) throws IOException, Malformed {
            buffer.clear();
            buffer.limit((int) Math.min(SIZE, size - offset));
            while (buffer.hasRemaining()) {
                if (source.read(buffer, offset + buffer.position()) < 0) {
                    throw new Malformed("it ended while being read");
                }
            }
            buffer.flip();
            start = offset;
        }
    }

    /** One pass over the headers, the dynamic symbols and the dynamic section. */
    private static final class Reader {
        private final Window elf;
        private final List<String> warnings = new ArrayList<>();
        private final List<String> needed = new ArrayList<>();
        private final List<String> searchPath = new ArrayList<>();
        private final Map<String, String> notFunctions = new HashMap<>();

        Reader(Window elf) {
            this.elf = elf;
        }

        Report report() throws IOException, Malformed {
            if (elf.size() < 64 || elf.u32(0) != 0x464c457fL || elf.u8(4) != 2 /* ELFCLASS64 */
                    || elf.u8(5) != 1 /* little-endian */) {
                return Report.NOTHING_TO_SAY;
            }
            long phoff = elf.u64(32);
            long shoff = elf.u64(40);
            int phentsize = elf.u16(54);
            int phnum = elf.u16(56);
            int shentsize = elf.u16(58);
            int shnum = elf.u16(60);
            if (phnum > 0 && phentsize != PHDR_SIZE) {
                throw new Malformed("e_phentsize is " + phentsize + ", not " + PHDR_SIZE);
            }
            if (shnum > 0 && shentsize != SHDR_SIZE) {
                throw new Malformed("e_shentsize is " + shentsize + ", not " + SHDR_SIZE);
            }
            long describes = Math.max(end(phoff, (long) PHDR_SIZE * phnum, "e_phoff"),
                    shnum == 0 ? 0 : end(shoff, (long) SHDR_SIZE * shnum, "e_shoff"));
            if (describes > elf.size()) {
                return truncated(describes);
            }
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * PHDR_SIZE;
                long type = elf.u32(at);
                if (type == PT_LOAD || type == PT_DYNAMIC) {
                    describes = Math.max(describes, end(elf.u64(at + 8), elf.u64(at + 32), "a segment"));
                }
            }
            if (describes > elf.size()) {
                return truncated(describes);
            }
            Optional<String> refusal = Optional.empty();
            for (int i = 0; i < shnum && refusal.isEmpty(); i++) {
                long at = shoff + (long) i * SHDR_SIZE;
                long type = elf.u32(at + 4);
                if (type == SHT_DYNSYM) {
                    refusal = symbols(section(at), linkedStrings(at, shoff, shnum));
                } else if (type == SHT_DYNAMIC) {
                    dynamic(section(at), linkedStrings(at, shoff, shnum));
                }
            }
            return new Report(refusal, List.copyOf(warnings), List.copyOf(needed),
                    List.copyOf(searchPath), Map.copyOf(notFunctions));
        }

        private Report truncated(long describes) {
            return Report.refuse("it is cut short: " + elf.size() + " bytes where its ELF headers describe "
                    + describes + " (still being written, or a broken copy)");
        }

        /** offset + length as an end offset, refusing what is negative or overflows. */
        private static long end(long offset, long length, String what) throws Malformed {
            if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
                throw new Malformed(what + " " + Long.toUnsignedString(offset) + " + "
                        + Long.toUnsignedString(length) + " overflows");
            }
            return offset + length;
        }

        /** [offset, end) of the section whose header is at {@code header}, inside the file. */
        private long[] section(long header) throws IOException, Malformed {
            long offset = elf.u64(header + 24);
            long size = elf.u64(header + 32);
            if (!elf.inside(offset, size)) {
                throw new Malformed("a section at " + Long.toUnsignedString(offset) + " of "
                        + Long.toUnsignedString(size) + " bytes lies outside the file");
            }
            return new long[] {offset, offset + size};
        }

        /** The string table that the section at {@code header} links to (sh_link). */
        private long[] linkedStrings(long header, long shoff, int shnum) throws IOException, Malformed {
            long link = elf.u32(header + 40);
            if (link == 0 || link >= shnum) {
                throw new Malformed("sh_link " + link + " names no section");
            }
            return section(shoff + link * SHDR_SIZE);
        }

        /** Notes the exported symbols that are not functions, and what keeps the library from unloading. */
        private Optional<String> symbols(long[] table, long[] strings) throws IOException, Malformed {
            long count = Math.min((table[1] - table[0]) / SYM_SIZE, MAX_SYMBOLS);
            String unique = null;
            boolean threadLocalDestructors = false;
            for (long i = 1; i < count; i++) {  // entry 0 is the null symbol
                long at = table[0] + i * SYM_SIZE;
                long nameOffset = elf.u32(at);
                int info = elf.u8(at + 4);
                int type = info & 0xf;
                int binding = info >> 4;
                boolean defined = elf.u16(at + 6) != 0;  // st_shndx != SHN_UNDEF
                if (defined && type != STT_FUNC && type != STT_GNU_IFUNC) {
                    notFunctions.put(elf.string(strings[0] + nameOffset, strings[1]), typeName(type));
                }
                if (defined && binding == STB_GNU_UNIQUE && unique == null) {
                    unique = elf.string(strings[0] + nameOffset, strings[1]);
                }
                if (!defined && !threadLocalDestructors) {
                    // Rust's std imports __cxa_thread_atexit_impl weakly in every cdylib, used or not: only
                    // the C++ runtime's entry point, or a strong import, says that destructors are registered.
                    // Compared in place: a String per imported name was a third of the check's time.
                    long name = strings[0] + nameOffset;
                    threadLocalDestructors = elf.nameIs(name, strings[1], CXA_THREAD_ATEXIT)
                            || (binding != STB_WEAK && elf.nameIs(name, strings[1], CXA_THREAD_ATEXIT_IMPL));
                }
            }
            if (unique != null) {
                warnings.add("it has a STB_GNU_UNIQUE symbol (" + unique + "): glibc will never unload it, and"
                        + " the first version's value answers in later versions; build C++ with -fno-gnu-unique");
            }
            if (threadLocalDestructors) {
                warnings.add("it registers thread-local destructors (__cxa_thread_atexit): glibc keeps it loaded"
                        + " while a thread that used such a thread-local lives, so a reload may keep old code");
            }
            return Optional.empty();
        }

        /** DT_NEEDED, DT_RUNPATH and DT_RPATH. */
        private void dynamic(long[] table, long[] strings) throws IOException, Malformed {
            long count = Math.min((table[1] - table[0]) / 16, MAX_DYNAMIC_ENTRIES);
            List<String> runpath = new ArrayList<>();
            List<String> rpath = new ArrayList<>();
            for (long i = 0; i < count; i++) {
                long tag = elf.u64(table[0] + i * 16);
                long value = elf.u64(table[0] + i * 16 + 8);
                if (tag == 0) {
                    break;  // DT_NULL
                }
                if (tag == DT_NEEDED || tag == DT_RUNPATH || tag == DT_RPATH) {
                    if (value < 0 || value >= strings[1] - strings[0]) {
                        throw new Malformed("a dynamic entry's name lies outside its string table");
                    }
                    String s = elf.string(strings[0] + value, strings[1]);
                    if (tag == DT_NEEDED) {
                        needed.add(s);
                    } else {
                        (tag == DT_RUNPATH ? runpath : rpath).addAll(List.of(s.split(":")));
                    }
                }
            }
            searchPath.addAll(runpath.isEmpty() ? rpath : runpath);  // glibc ignores RPATH when RUNPATH is set
        }

        private static String typeName(int type) {
            switch (type) {
                case 0: return "STT_NOTYPE";
                case 1: return "STT_OBJECT";
                case 3: return "STT_SECTION";
                case 4: return "STT_FILE";
                case 5: return "STT_COMMON";
                case 6: return "STT_TLS";
                default: return "symbol type " + type;
            }
        }
    }
}
