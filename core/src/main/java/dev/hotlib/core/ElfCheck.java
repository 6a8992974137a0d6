package dev.hotlib.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads, before any backend calls dlopen, what glibc's dynamic loader (ld.so) will read of a file, and refuses
 * what would crash the JVM or keep it from ever unloading. The loader reads the ELF header, the program headers,
 * and the dynamic segment with the tables it points to, at the addresses they have once the PT_LOAD segments are
 * mapped; it never reads the section headers, and neither does this check: a library whose section headers were
 * stripped (as sstrip does) is read like any other. Reads only headers and tables, with positional reads through
 * a few small windows, so its heap does not depend on the file's size; every read is bounds-checked, and a
 * malformed file is a refusal, never an exception.
 *
 * <ul>
 *   <li>A file cut short: glibc maps the segments the program headers describe, and touching a page past the
 *       end of the file kills the JVM with SIGBUS (seen in every backend with a library cut to half its size).
 *   <li>Malformed headers, which the loader trusts and crashes on, inside dlopen or at dlclose. The segments:
 *       at least one PT_LOAD, in address and file order, no two sharing a page or file bytes, each with p_filesz
 *       at most p_memsz (equal for code, which the loader would otherwise zero) and p_offset congruent to p_vaddr
 *       modulo its power-of-two p_align; exactly one PT_DYNAMIC; PT_TLS, PT_PHDR, PT_NOTE, PT_GNU_PROPERTY and
 *       PT_GNU_EH_FRAME inside a PT_LOAD, PT_GNU_RELRO inside a writable one. Every address the dynamic segment
 *       gives is translated through the PT_LOAD segments, as the loader finds it in memory, and must lie inside
 *       a readable one and inside the file: the string and symbol tables, the hash tables (whose sizes give the
 *       number of symbols), the symbol version tables, the relocations, the init and fini arrays, DT_INIT,
 *       DT_FINI and DT_PLTGOT. Every name (DT_NEEDED, DT_SONAME, DT_RUNPATH, a symbol's, a version's) lies inside
 *       the string table. Each relocation writes inside a writable segment, aligned (or into the code, with
 *       DT_TEXTREL), outside the tables the loader reads, and names a symbol of the table; each PLT slot holds
 *       code, is written once, in order, and lies outside PT_GNU_RELRO when functions are bound lazily; each
 *       code address the loader calls (DT_INIT, DT_FINI, each init and fini array entry, relocated once, an IFUNC
 *       resolver) lies inside an executable segment, and so does each function symbol; an import is global or
 *       weak and visible, as the loader would otherwise take it for the library's own, at address 0; the entries
 *       the loader asserts on (DT_RELAENT, DT_PLTREL, the GNU hash's bloom size, the symbol versions and the
 *       files of needed versions) are what it asserts. Relocation types are read as x86-64's, the machine this
 *       project runs on, and those no linker writes into an x86-64 library are refused; for another machine,
 *       only where relocations lie is checked.
 *   <li>What it exports that is not a function ({@code int32_t step = 5;}): every lookup finds it, and calling
 *       it jumps into data (SIGSEGV); {@link LibraryFile#checkFunction} refuses such a name when a binding
 *       looks it up.
 *   <li>Warnings: a STB_GNU_UNIQUE symbol, a C++ thread-local destructor, or {@code -z nodelete}
 *       (DF_1_NODELETE) keeps glibc from unloading it; an initial-exec thread-local (DF_STATIC_TLS) takes a
 *       static TLS block per version that glibc never gives back, until no version can load.
 *   <li>What it needs: DT_NEEDED and its RUNPATH/RPATH, so that its sibling libraries can be copied with it.
 * </ul>
 * Everything else that is wrong with a file (random bytes, another architecture, 32-bit, not a library)
 * dlopen refuses by itself, with an error and no crash: only 64-bit little-endian ELF is inspected, and of it
 * only what is not refused before the loader maps it (a file that is not ET_DYN is only checked for length).
 * What no check before loading can judge is code: a code address inside an executable segment that is not where a
 * function begins, or an import bound to another function, still runs, as a constructor that crashes does.
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
     * is loaded, {@code needed} its DT_NEEDED names, {@code searchPath} its RUNPATH (or RPATH) entries, and
     * {@code notFunctions} each defined dynamic symbol that is not a function, with its type (STT_OBJECT, ...).
     *
     * @param describes the largest end offset in the file that its headers describe: the ends of the program
     *     and section header tables and of the PT_LOAD and PT_DYNAMIC segments' file bytes. A file much longer
     *     holds bytes that nothing points to (a file padded with {@code truncate}); a shorter one is cut short.
     *     0 for a file that is not 64-bit little-endian ELF; for a refused file, as far as its headers were read
     */
    record Report(Optional<String> refusal, List<String> warnings, List<String> needed, List<String> searchPath,
                  Map<String, String> notFunctions, long describes) {
        static final Report NOTHING_TO_SAY =
                new Report(Optional.empty(), List.of(), List.of(), List.of(), Map.of(), 0);

        static Report refuse(String why, long describes) {
            return new Report(Optional.of(why), List.of(), List.of(), List.of(), Map.of(), describes);
        }
    }

    private static final int ET_DYN = 3;
    private static final int EM_X86_64 = 62;
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_NOTE = 4;
    private static final int PT_PHDR = 6;
    private static final int PT_TLS = 7;
    private static final long PT_GNU_EH_FRAME = 0x6474e550L;
    private static final long PT_GNU_RELRO = 0x6474e552L;
    private static final long PT_GNU_PROPERTY = 0x6474e553L;
    private static final int PF_X = 1;
    private static final int PF_W = 2;
    private static final int PF_R = 4;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int RELA_SIZE = 24;
    private static final int STT_OBJECT = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_TLS = 6;
    private static final int STT_GNU_IFUNC = 10;
    private static final int STB_WEAK = 2;
    private static final int STB_GNU_UNIQUE = 10;
    private static final int SHN_ABS = 0xfff1;

    private static final long DT_NEEDED = 1;
    private static final long DT_PLTRELSZ = 2;
    private static final long DT_PLTGOT = 3;
    private static final long DT_HASH = 4;
    private static final long DT_STRTAB = 5;
    private static final long DT_SYMTAB = 6;
    private static final long DT_RELA = 7;
    private static final long DT_RELASZ = 8;
    private static final long DT_RELAENT = 9;
    private static final long DT_STRSZ = 10;
    private static final long DT_SYMENT = 11;
    private static final long DT_INIT = 12;
    private static final long DT_FINI = 13;
    private static final long DT_SONAME = 14;
    private static final long DT_RPATH = 15;
    private static final long DT_REL = 17;
    private static final long DT_RELSZ = 18;
    private static final long DT_RELENT = 19;
    private static final long DT_PLTREL = 20;
    private static final long DT_TEXTREL = 22;
    private static final long DT_JMPREL = 23;
    private static final long DT_INIT_ARRAY = 25;
    private static final long DT_FINI_ARRAY = 26;
    private static final long DT_INIT_ARRAYSZ = 27;
    private static final long DT_FINI_ARRAYSZ = 28;
    private static final long DT_RUNPATH = 29;
    private static final long DT_FLAGS = 30;
    private static final long DT_PREINIT_ARRAY = 32;
    private static final long DT_RELRSZ = 35;
    private static final long DT_RELR = 36;
    private static final long DT_RELRENT = 37;
    private static final long DT_GNU_HASH = 0x6ffffef5L;
    private static final long DT_TLSDESC_PLT = 0x6ffffef6L;
    private static final long DT_TLSDESC_GOT = 0x6ffffef7L;
    private static final long DT_CONFIG = 0x6ffffefaL;
    private static final long DT_DEPAUDIT = 0x6ffffefbL;
    private static final long DT_AUDIT = 0x6ffffefcL;
    private static final long DT_VERSYM = 0x6ffffff0L;
    private static final long DT_RELACOUNT = 0x6ffffff9L;
    private static final long DT_FLAGS_1 = 0x6ffffffbL;
    private static final long DT_VERDEF = 0x6ffffffcL;
    private static final long DT_VERNEED = 0x6ffffffeL;
    private static final long DT_AUXILIARY = 0x7ffffffdL;
    private static final long DT_FILTER = 0x7fffffffL;
    /** The number of dynamic entries the check keeps a value of: see {@link #slot}. */
    private static final int TAG_SLOTS = 46;
    /** The entries whose value is a name's offset in the string table. */
    private static final long[] NAME_TAGS = {DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH, DT_AUXILIARY, DT_FILTER,
        DT_CONFIG, DT_DEPAUDIT, DT_AUDIT};
    private static final long DT_BIND_NOW = 24;
    private static final long DF_TEXTREL = 0x4;
    private static final long DF_BIND_NOW = 0x8;
    private static final long DF_1_NOW = 0x1;
    private static final long DF_STATIC_TLS = 0x10;
    private static final long DF_1_NODELETE = 0x8;

    private static final int R_X86_64_NONE = 0;
    private static final int R_X86_64_64 = 1;
    private static final int R_X86_64_PC32 = 2;
    private static final int R_X86_64_COPY = 5;
    private static final int R_X86_64_GLOB_DAT = 6;
    private static final int R_X86_64_JUMP_SLOT = 7;
    private static final int R_X86_64_RELATIVE = 8;
    private static final int R_X86_64_32 = 10;
    private static final int R_X86_64_DTPMOD64 = 16;
    private static final int R_X86_64_DTPOFF64 = 17;
    private static final int R_X86_64_TPOFF64 = 18;
    private static final int R_X86_64_SIZE32 = 32;
    private static final int R_X86_64_SIZE64 = 33;
    private static final int R_X86_64_TLSDESC = 36;
    private static final int R_X86_64_IRELATIVE = 37;
    private static final int R_X86_64_RELATIVE64 = 38;

    private static final byte[] CXA_THREAD_ATEXIT = "__cxa_thread_atexit".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CXA_THREAD_ATEXIT_IMPL =
            "__cxa_thread_atexit_impl".getBytes(StandardCharsets.US_ASCII);
    /** More symbols than any real library has: a hash table that says more is refused. */
    private static final long MAX_SYMBOLS = 1 << 22;
    /**
     * More program headers, dynamic entries or DT_NEEDED names than a linker writes. The loader copies the
     * program headers and keeps a record per DT_NEEDED on the calling thread's stack: thousands of them
     * overflow a Java thread's stack inside dlopen.
     */
    private static final int MAX_PROGRAM_HEADERS = 256;
    private static final int MAX_DYNAMIC_ENTRIES = 4096;
    private static final int MAX_NEEDED = 256;
    /** More version definitions and needs, and init or fini array entries, than a linker writes. */
    private static final int MAX_VERSION_ENTRIES = 1 << 16;
    private static final long MAX_ARRAY_ENTRIES = 1 << 16;
    /** No segment lies above this address, the top of the x86-64 user address space. */
    private static final long ADDRESS_LIMIT = 1L << 47;
    private static final long MAX_ALIGN = 1L << 30;
    private static final long MAX_TLS_ALIGN = 1L << 20;
    private static final long MAX_TLS_SIZE = 1L << 30;
    private static final long PAGE = 4096;

    private ElfCheck() {}

    /**
     * Where the value of a single-valued dynamic entry is kept: tags below 38 at their own number, the GNU and
     * version tags after them; -1 for the entries the check does not read. Of each, as for the loader, the last
     * one counts.
     */
    private static int slot(long tag) {
        if (tag >= 0 && tag < 38) {
            return (int) tag;
        }
        if (tag == DT_GNU_HASH) {
            return 38;
        } else if (tag == DT_TLSDESC_PLT) {
            return 39;
        } else if (tag == DT_TLSDESC_GOT) {
            return 40;
        } else if (tag == DT_VERSYM) {
            return 41;
        } else if (tag == DT_RELACOUNT) {
            return 42;
        } else if (tag == DT_FLAGS_1) {
            return 43;
        } else if (tag == DT_VERDEF) {
            return 44;
        } else if (tag == DT_VERNEED) {
            return 45;
        }
        return -1;
    }

    /** Why {@code file} must not be handed to dlopen, or empty (tests and tools; the host uses {@link #inspect}). */
    static Optional<String> problem(byte[] file) {
        return inspect(Source.of(file)).refusal();
    }

    /** Inspects {@code file}; never throws: a file that cannot be read or parsed is a refusal. */
    static Report inspect(Source file) {
        Reader reader = null;
        try {
            reader = new Reader(new Window(file));
            return reader.report();
        } catch (Malformed e) {
            return Report.refuse("its ELF headers are malformed (" + e.getMessage()
                    + "): not a library a linker wrote", reader.describes);
        } catch (IOException e) {
            return Report.refuse("it cannot be read (" + e + ")", reader == null ? 0 : reader.describes);
        } catch (RuntimeException e) {
            return Report.refuse("its ELF headers could not be checked (" + e + ")",
                    reader == null ? 0 : reader.describes);
        }
    }

    /** A read outside the file, or a table that cannot be what it says. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** Bounds-checked little-endian reads through a few fixed-size buffers, the least recently used refilled. */
    private static final class Window {
        private static final int SIZE = 16 * 1024;  // a small library's tables in one read
        private static final int SLOTS = 4;         // symbols, strings, relocations and their targets at once
        private final Source source;
        private final long size;
        private final ByteBuffer[] buffers = new ByteBuffer[SLOTS];
        private final long[] starts = new long[SLOTS];  // file offset of each buffer[0]; -1 when empty
        private final long[] used = new long[SLOTS];
        private long clock;
        private ByteBuffer buffer;  // the buffer of the last read
        private long start;        // and its start

        Window(Source source) throws IOException {
            this.source = source;
            this.size = source.size();
            Arrays.fill(starts, -1);
        }

        long size() {
            return size;
        }

        /** Whether [offset, offset + length) lies inside the file, without overflowing. */
        boolean inside(long offset, long length) {
            return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
        }

        int u8(long offset) throws IOException, Malformed {
            int at = at(offset, 1);
            return Byte.toUnsignedInt(buffer.get(at));
        }

        int u16(long offset) throws IOException, Malformed {
            int at = at(offset, 2);
            return Short.toUnsignedInt(buffer.getShort(at));
        }

        long u32(long offset) throws IOException, Malformed {
            int at = at(offset, 4);
            return Integer.toUnsignedLong(buffer.getInt(at));
        }

        /** A 64-bit field; values of 2^63 and more, which no real file has, read as negative. */
        long u64(long offset) throws IOException, Malformed {
            int at = at(offset, 8);
            return buffer.getLong(at);
        }

        /** The NUL-terminated string at {@code offset}, which must end before {@code end}; at most 4096 bytes. */
        String string(long offset, long end) throws IOException, Malformed {
            StringBuilder s = new StringBuilder();
            for (long at = offset; ; at++) {
                if (at >= end) {
                    throw new Malformed("a name runs past its string table");
                }
                if (s.length() > 4096) {
                    throw new Malformed("a name is longer than 4096 bytes");
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

        /** Whether the NUL-terminated strings at {@code a} and {@code b}, both ending before {@code end}, match. */
        boolean sameName(long a, long b, long end) throws IOException, Malformed {
            for (long i = 0; ; i++) {
                if (a + i >= end || b + i >= end) {
                    throw new Malformed("a name runs past its string table");
                }
                int c = u8(a + i);
                if (c != u8(b + i)) {
                    return false;
                }
                if (c == 0) {
                    return true;
                }
            }
        }

        /**
         * The index in {@link #buffer} of [offset, offset + length), reading that part of the file into the least
         * recently used buffer if no buffer holds it.
         */
        private int at(long offset, int length) throws IOException, Malformed {
            if (!inside(offset, length)) {
                throw new Malformed("a read at " + Long.toUnsignedString(offset) + " lies outside its "
                        + size + " bytes");
            }
            if (buffer == null || offset < start || offset + length > start + buffer.limit()) {
                int slot = -1;
                for (int i = 0; i < SLOTS && slot < 0; i++) {
                    if (starts[i] >= 0 && offset >= starts[i] && offset + length <= starts[i] + buffers[i].limit()) {
                        slot = i;
                    }
                }
                if (slot < 0) {
                    slot = 0;
                    for (int i = 1; i < SLOTS; i++) {
                        if (used[i] < used[slot]) {
                            slot = i;
                        }
                    }
                    fill(slot, Math.max(0, offset - 64));  // a little before: tables are often read backwards
                }
                buffer = buffers[slot];
                start = starts[slot];
                used[slot] = ++clock;
            }
            return (int) (offset - start);
        }

        private void fill(int slot, long offset) throws IOException, Malformed {
            if (buffers[slot] == null) {  // allocated as needed: a small file's tables fit one
                buffers[slot] = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer b = buffers[slot];
            b.clear();
            b.limit((int) Math.min(SIZE, size - offset));
            while (b.hasRemaining()) {
                if (source.read(b, offset + b.position()) < 0) {
                    starts[slot] = -1;
                    throw new Malformed("it ended while being read");
                }
            }
            b.flip();
            starts[slot] = offset;
        }
    }

    /** One pass over the headers, then the dynamic segment and the tables it points to. */
    private static final class Reader {
        private final Window elf;
        private final List<String> warnings = new ArrayList<>();
        private final List<String> needed = new ArrayList<>();
        private final List<String> searchPath = new ArrayList<>();
        private final Map<String, String> notFunctions = new HashMap<>();
        private long describes;

        private long phoff;
        private int phnum;
        private boolean x86;
        /** The PT_LOAD segments, in the order of the program headers, which is by address. */
        private int loads;
        private final long[] loadOffset = new long[MAX_PROGRAM_HEADERS];
        private final long[] loadVaddr = new long[MAX_PROGRAM_HEADERS];
        private final long[] loadFilesz = new long[MAX_PROGRAM_HEADERS];
        private final long[] loadMemsz = new long[MAX_PROGRAM_HEADERS];
        private final int[] loadFlags = new int[MAX_PROGRAM_HEADERS];
        private long dynamicVaddr = -1;
        private long dynamicSize;
        private boolean tls;
        /** The pages PT_GNU_RELRO makes read-only once the library is relocated, [start, end). */
        private long relroStart = Long.MAX_VALUE;
        private long relroEnd;

        /** The dynamic segment's entries the check reads, by their {@link #slot}. */
        private final long[] values = new long[TAG_SLOTS];
        private final boolean[] present = new boolean[TAG_SLOTS];
        private long dynamicOffset;
        private long dynamicEntries;
        private long strtab;
        private long strsz;
        private long symtab;
        private long symbols;
        private int versionHigh;
        private boolean textrel;
        private Array initArray;
        private Array finiArray;
        /** The relocation tables: file offsets (-1 for none), and the number of entries the loader applies. */
        private long rela = -1;
        private long relaCount;
        private long plt = -1;
        private long pltCount;
        private long lastPltSlot = -1;
        /**
         * Where the tables the loader reads lie in memory, [start, end) pairs: a relocation that wrote there would
         * change them after they were checked.
         */
        private final long[] tables = new long[2 * 32];
        private int tableCount;

        Reader(Window elf) {
            this.elf = elf;
        }

        Report report() throws IOException, Malformed {
            if (elf.size() < 64 || elf.u32(0) != 0x464c457fL || elf.u8(4) != 2 /* ELFCLASS64 */
                    || elf.u8(5) != 1 /* little-endian */) {
                return Report.NOTHING_TO_SAY;
            }
            int type = elf.u16(16);
            x86 = elf.u16(18) == EM_X86_64;
            phoff = elf.u64(32);
            long shoff = elf.u64(40);
            int phentsize = elf.u16(54);
            phnum = elf.u16(56);
            int shentsize = elf.u16(58);
            int shnum = elf.u16(60);
            if (phnum > 0 && phentsize != PHDR_SIZE) {
                throw new Malformed("e_phentsize is " + phentsize + ", not " + PHDR_SIZE);
            }
            if (shnum > 0 && shentsize != SHDR_SIZE) {
                throw new Malformed("e_shentsize is " + shentsize + ", not " + SHDR_SIZE);
            }
            describes = Math.max(end(phoff, (long) PHDR_SIZE * phnum, "e_phoff"),
                    shnum == 0 ? 0 : end(shoff, (long) SHDR_SIZE * shnum, "e_shoff"));
            if (describes > elf.size()) {
                return truncated();
            }
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * PHDR_SIZE;
                long kind = elf.u32(at);
                if (kind == PT_LOAD || kind == PT_DYNAMIC) {
                    describes = Math.max(describes, end(elf.u64(at + 8), elf.u64(at + 32), "a segment"));
                }
            }
            if (describes > elf.size()) {
                return truncated();
            }
            if (type != ET_DYN) {
                return report(Optional.empty());  // dlopen refuses it before it maps anything
            }
            if (phnum > MAX_PROGRAM_HEADERS) {
                throw new Malformed("e_phnum is " + phnum + ", more than " + MAX_PROGRAM_HEADERS);
            }
            segments();
            dynamic();
            symbolTable();
            relocations();
            names();
            flags();
            return report(Optional.empty());
        }

        private Report report(Optional<String> refusal) {
            return new Report(refusal, List.copyOf(warnings), List.copyOf(needed), List.copyOf(searchPath),
                    Map.copyOf(notFunctions), describes);
        }

        private Report truncated() {
            return Report.refuse("it is cut short: " + elf.size() + " bytes where its ELF headers describe "
                    + describes + " (still being written, or a broken copy)", describes);
        }

        /** offset + length as an end offset, refusing what is negative or overflows. */
        private static long end(long offset, long length, String what) throws Malformed {
            if (offset < 0 || length < 0 || offset > Long.MAX_VALUE - length) {
                throw new Malformed(what + " " + Long.toUnsignedString(offset) + " + "
                        + Long.toUnsignedString(length) + " overflows");
            }
            return offset + length;
        }

        // ---- The program headers ----

        /** The PT_LOAD segments first, then what the other segments say, now that addresses can be translated. */
        private void segments() throws IOException, Malformed {
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * PHDR_SIZE;
                if (elf.u32(at) == PT_LOAD) {
                    load(at);
                }
            }
            if (loads == 0) {
                throw new Malformed("it has no PT_LOAD segment");
            }
            for (int i = 0; i < loads; i++) {  // the loader reads the program headers where they are mapped
                if (phoff >= loadOffset[i] && phoff - loadOffset[i] + (long) phnum * PHDR_SIZE <= loadFilesz[i]) {
                    table(loadVaddr[i] + phoff - loadOffset[i], (long) phnum * PHDR_SIZE);
                }
            }
            int tlsSegments = 0;
            for (int i = 0; i < phnum; i++) {
                long at = phoff + (long) i * PHDR_SIZE;
                long kind = elf.u32(at);
                long vaddr = elf.u64(at + 16);
                long filesz = elf.u64(at + 32);
                long memsz = elf.u64(at + 40);
                long align = elf.u64(at + 48);
                if (kind == PT_DYNAMIC) {
                    if (dynamicVaddr >= 0) {
                        throw new Malformed("it has more than one PT_DYNAMIC segment");
                    }
                    if (filesz < 16) {
                        throw new Malformed("its PT_DYNAMIC segment is " + filesz + " bytes");
                    }
                    fileOffset(vaddr, filesz, "its PT_DYNAMIC segment");
                    dynamicVaddr = vaddr;
                    dynamicSize = filesz;
                } else if (kind == PT_TLS && memsz != 0) {
                    if (++tlsSegments > 1) {
                        throw new Malformed("it has more than one PT_TLS segment");
                    }
                    if (Long.compareUnsigned(filesz, memsz) > 0 || Long.compareUnsigned(memsz, MAX_TLS_SIZE) > 0) {
                        throw new Malformed("its PT_TLS segment's p_filesz " + Long.toUnsignedString(filesz)
                                + " and p_memsz " + Long.toUnsignedString(memsz) + " cannot be");
                    }
                    if (align <= 0 || (align & (align - 1)) != 0 || align > MAX_TLS_ALIGN) {
                        throw new Malformed("its PT_TLS segment's p_align is " + Long.toUnsignedString(align));
                    }
                    fileOffset(vaddr, filesz, "its PT_TLS segment's initial image");
                    tls = true;
                } else if (kind == PT_GNU_RELRO) {
                    int load = loadHolding(vaddr, memsz);
                    if (load < 0 || (loadFlags[load] & PF_W) == 0) {
                        throw new Malformed("its PT_GNU_RELRO segment at " + hex(vaddr) + " lies outside its"
                                + " writable segments (the loader makes it read-only once relocated)");
                    }
                    if (((vaddr + memsz) & -PAGE) > (vaddr & -PAGE)) {  // whole pages only
                        relroStart = Math.min(relroStart, vaddr & -PAGE);
                        relroEnd = Math.max(relroEnd, (vaddr + memsz) & -PAGE);
                    }
                } else if (kind == PT_PHDR) {
                    if (fileOffset(vaddr, (long) phnum * PHDR_SIZE, "its PT_PHDR segment") != phoff) {
                        throw new Malformed("its PT_PHDR segment is not where its program headers are");
                    }
                    table(vaddr, (long) phnum * PHDR_SIZE);
                } else if (kind == PT_NOTE || kind == PT_GNU_EH_FRAME) {
                    fileOffset(vaddr, memsz, kind == PT_NOTE ? "a PT_NOTE segment" : "its PT_GNU_EH_FRAME segment");
                } else if (kind == PT_GNU_PROPERTY) {
                    property(fileOffset(vaddr, memsz, "its PT_GNU_PROPERTY segment"), memsz, align);
                }
            }
            if (dynamicVaddr < 0) {
                throw new Malformed("it has no PT_DYNAMIC segment");
            }
        }

        private void load(long at) throws IOException, Malformed {
            int flags = (int) elf.u32(at + 4);
            long offset = elf.u64(at + 8);
            long vaddr = elf.u64(at + 16);
            long filesz = elf.u64(at + 32);
            long memsz = elf.u64(at + 40);
            long align = elf.u64(at + 48);
            String which = "PT_LOAD segment at " + hex(vaddr);
            if (vaddr < 0 || memsz < 0 || vaddr > ADDRESS_LIMIT - memsz) {
                throw new Malformed("a " + which + " of " + Long.toUnsignedString(memsz) + " bytes lies outside"
                        + " the address space");
            }
            if (Long.compareUnsigned(filesz, memsz) > 0) {
                throw new Malformed("a " + which + " has p_filesz " + Long.toUnsignedString(filesz)
                        + " larger than its p_memsz " + memsz);
            }
            if ((flags & PF_X) != 0 && filesz != memsz) {
                throw new Malformed("its executable " + which + " has p_filesz " + Long.toUnsignedString(filesz)
                        + ", not its p_memsz " + memsz + ": the loader would zero the rest of its code");
            }
            if (align < 0 || align > MAX_ALIGN || (align & (align - 1)) != 0) {
                throw new Malformed("a " + which + " has p_align " + Long.toUnsignedString(align)
                        + ", not a power of two");
            }
            if (align > 1 && ((vaddr - offset) & (align - 1)) != 0) {
                throw new Malformed("a " + which + " has p_offset " + hex(offset) + " and p_vaddr not congruent"
                        + " modulo its p_align " + hex(align));
            }
            if (loads > 0) {
                long previousEnd = loadVaddr[loads - 1] + loadMemsz[loads - 1];
                if (vaddr < previousEnd) {
                    throw new Malformed("its PT_LOAD segments overlap, or are not sorted by address");
                }
                if (offset < loadOffset[loads - 1] + loadFilesz[loads - 1]) {
                    throw new Malformed("its PT_LOAD segments' bytes overlap in the file, or are not in order");
                }
                if ((vaddr & -PAGE) < previousEnd) {
                    throw new Malformed("two of its PT_LOAD segments share a page");
                }
            }
            loadOffset[loads] = offset;
            loadVaddr[loads] = vaddr;
            loadFilesz[loads] = filesz;
            loadMemsz[loads] = memsz;
            loadFlags[loads] = flags;
            loads++;
        }

        /**
         * The GNU property note, which the loader reads as it maps the file when p_align is 8: each note's header
         * inside the segment, and the property note's descriptor too.
         */
        private void property(long offset, long size, long align) throws IOException, Malformed {
            if (align != 8) {
                return;  // the loader skips it
            }
            long at = 0;
            while (at + 12 < size) {
                long namesz = elf.u32(offset + at);
                long descsz = elf.u32(offset + at + 4);
                long type = elf.u32(offset + at + 8);
                if (namesz == 4 && type == 5 /* NT_GNU_PROPERTY_TYPE_0 */) {
                    if (at + 16 + descsz > size) {
                        throw new Malformed("its GNU property note runs past its PT_GNU_PROPERTY segment");
                    }
                }
                at += (((12 + namesz + 7) & -8) + descsz + 7) & -8;
            }
        }

        /** The PT_LOAD segment whose memory holds [vaddr, vaddr + length), or -1. */
        private int loadHolding(long vaddr, long length) {
            if (vaddr < 0 || length < 0) {
                return -1;
            }
            int low = 0;
            int high = loads - 1;
            while (low <= high) {  // the last segment that starts at or below vaddr
                int mid = (low + high) >>> 1;
                if (loadVaddr[mid] <= vaddr) {
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            int i = high;
            return i >= 0 && length <= loadMemsz[i] && vaddr - loadVaddr[i] <= loadMemsz[i] - length ? i : -1;
        }

        /**
         * The file offset of [vaddr, vaddr + length) as the loader maps it: inside one readable PT_LOAD segment's
         * bytes from the file (and so inside the file, which holds every segment's bytes). Else the file is
         * malformed.
         */
        private long fileOffset(long vaddr, long length, String what) throws Malformed {
            int i = loadHolding(vaddr, length);
            if (i < 0 || length > loadFilesz[i] || vaddr - loadVaddr[i] > loadFilesz[i] - length) {
                throw new Malformed(what + " at " + hex(vaddr) + " (" + Long.toUnsignedString(length)
                        + " bytes) lies outside its PT_LOAD segments' file bytes");
            }
            if ((loadFlags[i] & PF_R) == 0) {
                throw new Malformed(what + " at " + hex(vaddr) + " lies in a segment the loader cannot read");
            }
            return loadOffset[i] + (vaddr - loadVaddr[i]);
        }

        /** Whether {@code address} is inside an executable segment's bytes from the file. */
        private boolean isCode(long address) {
            int i = loadHolding(address, 1);
            return i >= 0 && (loadFlags[i] & PF_X) != 0 && address - loadVaddr[i] < loadFilesz[i];
        }

        // ---- The dynamic segment ----

        /** Reads the entries up to DT_NULL, and checks the tables they point to that the rest depends on. */
        private void dynamic() throws IOException, Malformed {
            dynamicOffset = fileOffset(dynamicVaddr, dynamicSize, "its PT_DYNAMIC segment");
            long room = Math.min(dynamicSize / 16, MAX_DYNAMIC_ENTRIES);
            int neededCount = 0;
            for (long i = 0; ; i++) {
                if (i >= room) {
                    throw new Malformed("its dynamic segment has no DT_NULL in its first " + room + " entries");
                }
                long tag = elf.u64(dynamicOffset + i * 16);
                if (tag == 0) {
                    dynamicEntries = i;
                    break;
                }
                if (tag == DT_NEEDED && ++neededCount > MAX_NEEDED) {
                    throw new Malformed("it has more than " + MAX_NEEDED + " DT_NEEDED entries");
                }
                int k = slot(tag);
                if (k >= 0) {
                    values[k] = elf.u64(dynamicOffset + i * 16 + 8);
                    present[k] = true;
                }
            }
            if (!has(DT_STRTAB) || !has(DT_STRSZ) || !has(DT_SYMTAB)) {
                throw new Malformed("its dynamic segment lacks DT_STRTAB, DT_STRSZ or DT_SYMTAB");
            }
            strsz = value(DT_STRSZ);
            strtab = fileOffset(value(DT_STRTAB), strsz, "its string table (DT_STRTAB, DT_STRSZ)");
            if (strsz == 0 || elf.u8(strtab + strsz - 1) != 0) {
                throw new Malformed("its string table does not end with a NUL");
            }
            if (has(DT_SYMENT) && value(DT_SYMENT) != SYM_SIZE) {
                throw new Malformed("DT_SYMENT is " + value(DT_SYMENT) + ", not " + SYM_SIZE);
            }
            if (has(DT_PREINIT_ARRAY)) {
                throw new Malformed("it has a DT_PREINIT_ARRAY, which only a program may have");
            }
            table(value(DT_STRTAB), strsz);
            table(dynamicVaddr, dynamicSize);
            symbols = has(DT_GNU_HASH) ? gnuHash() : 0;
            if (has(DT_HASH)) {
                long nchain = sysvHash(!has(DT_GNU_HASH));
                if (!has(DT_GNU_HASH)) {
                    symbols = nchain;
                }
            } else if (!has(DT_GNU_HASH)) {
                throw new Malformed("it has neither DT_GNU_HASH nor DT_HASH, so its symbols cannot be counted");
            }
            relocationTables();
            symtab = fileOffset(value(DT_SYMTAB), symbols * SYM_SIZE, "its symbol table (DT_SYMTAB, "
                    + symbols + " symbols)");
            table(value(DT_SYMTAB), symbols * SYM_SIZE);
            textrel = has(DT_TEXTREL) || (has(DT_FLAGS) && (value(DT_FLAGS) & DF_TEXTREL) != 0);
            code(DT_INIT, "DT_INIT");
            code(DT_FINI, "DT_FINI");
            if (has(DT_TLSDESC_PLT)) {
                code(DT_TLSDESC_PLT, "DT_TLSDESC_PLT");
            }
            initArray = array(DT_INIT_ARRAY, DT_INIT_ARRAYSZ, "DT_INIT_ARRAY");
            finiArray = array(DT_FINI_ARRAY, DT_FINI_ARRAYSZ, "DT_FINI_ARRAY");
        }

        private boolean has(long tag) {
            return present[slot(tag)];
        }

        private long value(long tag) {
            return values[slot(tag)];
        }

        /** DT_INIT or DT_FINI: an address the loader calls, inside an executable segment. */
        private void code(long tag, String name) throws Malformed {
            if (has(tag) && !isCode(value(tag))) {
                throw new Malformed(name + " " + hex(value(tag)) + " lies outside its executable segments");
            }
        }

        /**
         * [vaddr, vaddr + length) inside one segment the loader may write while it relocates, and outside the
         * tables it reads.
         */
        private void writable(long vaddr, long length, String what) throws Malformed {
            int i = loadHolding(vaddr, length);
            if (i < 0 || ((loadFlags[i] & PF_W) == 0 && !textrel)) {
                throw new Malformed(what + " at " + hex(vaddr) + " lies outside its writable segments");
            }
            for (int t = 0; t < tableCount; t++) {
                if (vaddr < tables[2 * t + 1] && tables[2 * t] < vaddr + length) {
                    throw new Malformed(what + " at " + hex(vaddr) + " writes into a table the loader reads");
                }
            }
        }

        /** Notes that the loader reads [vaddr, vaddr + length), which has been found inside the file. */
        private void table(long vaddr, long length) throws Malformed {
            if (length <= 0) {
                return;
            }
            for (int t = 0; t < tableCount; t++) {  // a range that touches one noted grows it
                if (vaddr <= tables[2 * t + 1] && tables[2 * t] <= vaddr + length) {
                    tables[2 * t] = Math.min(tables[2 * t], vaddr);
                    tables[2 * t + 1] = Math.max(tables[2 * t + 1], vaddr + length);
                    return;
                }
            }
            if (tableCount == tables.length / 2) {
                throw new Malformed("its tables lie in more than " + tables.length / 2 + " places");
            }
            tables[2 * tableCount] = vaddr;
            tables[2 * tableCount + 1] = vaddr + length;
            tableCount++;
        }

        /** An init or fini array: where it is, and which of its entries a relocation has set. */
        private static final class Array {
            final String name;
            final long vaddr;
            final long entries;
            final BitSet set;

            Array(String name, long vaddr, long entries) {
                this.name = name;
                this.vaddr = vaddr;
                this.entries = entries;
                this.set = new BitSet((int) entries);
            }

            boolean overlaps(long address, long length) {
                return address < vaddr + entries * 8 && vaddr < address + length;
            }

            /**
             * A relocation that writes [address, address + length) here: it must set one whole entry, which no
             * other relocation sets, to code ({@code toCode}).
             */
            void relocated(long address, long length, boolean toCode) throws Malformed {
                if (!toCode || length != 8 || (address - vaddr) % 8 != 0 || set.get((int) ((address - vaddr) / 8))) {
                    throw new Malformed("an entry of its " + name + " is not relocated to its code, once");
                }
                set.set((int) ((address - vaddr) / 8));
            }
        }

        private Array array(long tag, long sizeTag, String name) throws Malformed {
            if (!has(tag)) {
                return null;
            }
            if (!has(sizeTag)) {
                throw new Malformed(name + " has no size");
            }
            long size = value(sizeTag);
            if (size < 0 || size % 8 != 0 || size / 8 > MAX_ARRAY_ENTRIES) {
                throw new Malformed(name + "'s size " + Long.toUnsignedString(size) + " cannot be");
            }
            int load = loadHolding(value(tag), size);
            if (load < 0 || (loadFlags[load] & PF_R) == 0 || value(tag) % 8 != 0) {
                throw new Malformed(name + " at " + hex(value(tag)) + " lies outside its readable segments, or is"
                        + " not aligned");
            }
            return size == 0 ? null : new Array(name, value(tag), size / 8);
        }

        /**
         * The number of symbols, from the GNU hash table: past the highest bucket's chain. Checks what the loader
         * asserts and reads: a bloom filter of a power of two words, and each chain inside the table.
         */
        private long gnuHash() throws IOException, Malformed {
            long at = fileOffset(value(DT_GNU_HASH), 16, "its GNU hash table (DT_GNU_HASH)");
            long buckets = elf.u32(at);
            long offset = elf.u32(at + 4);
            long bloom = elf.u32(at + 8);
            if ((bloom & (bloom - 1)) != 0 || (buckets > 0 && bloom == 0)) {
                throw new Malformed("its GNU hash table's bloom filter has " + bloom + " words, not a power of two");
            }
            if (buckets > MAX_SYMBOLS || bloom > MAX_SYMBOLS || offset > MAX_SYMBOLS) {
                throw new Malformed("its GNU hash table says it has more than " + MAX_SYMBOLS + " entries");
            }
            long bucketsAt = fileOffset(value(DT_GNU_HASH) + 16 + bloom * 8, buckets * 4,
                    "its GNU hash table's buckets");
            long highest = 0;
            for (long i = 0; i < buckets; i++) {
                long bucket = elf.u32(bucketsAt + i * 4);
                if (bucket != 0 && bucket < offset) {
                    throw new Malformed("a GNU hash bucket names symbol " + bucket + ", below the table's first, "
                            + offset);
                }
                highest = Math.max(highest, bucket);
            }
            long chain = value(DT_GNU_HASH) + 16 + bloom * 8 + buckets * 4;
            if (highest == 0) {
                table(value(DT_GNU_HASH), chain - value(DT_GNU_HASH));
                return offset;
            }
            for (long symbol = highest; ; symbol++) {
                if (symbol >= MAX_SYMBOLS) {
                    throw new Malformed("its GNU hash chains run past " + MAX_SYMBOLS + " symbols");
                }
                long word = elf.u32(fileOffset(chain + (symbol - offset) * 4, 4, "its GNU hash chain"));
                if ((word & 1) != 0) {
                    table(value(DT_GNU_HASH), chain + (symbol + 1 - offset) * 4 - value(DT_GNU_HASH));
                    return symbol + 1;
                }
            }
        }

        /**
         * The number of symbols, from the SysV hash table (nchain). Where the loader looks symbols up through it
         * ({@code used}: no GNU hash table), each bucket and chain names a symbol of the table, and no chain
         * loops.
         */
        private long sysvHash(boolean used) throws IOException, Malformed {
            long at = fileOffset(value(DT_HASH), 8, "its hash table (DT_HASH)");
            long buckets = elf.u32(at);
            long chains = elf.u32(at + 4);
            if (buckets > MAX_SYMBOLS || chains > MAX_SYMBOLS) {
                throw new Malformed("its hash table says it has more than " + MAX_SYMBOLS + " entries");
            }
            at = fileOffset(value(DT_HASH) + 8, (buckets + chains) * 4, "its hash table (DT_HASH)");
            table(value(DT_HASH), 8 + (buckets + chains) * 4);
            if (used) {
                long steps = 0;
                for (long i = 0; i < buckets; i++) {
                    long symbol = elf.u32(at + i * 4);
                    for (; symbol != 0; symbol = elf.u32(at + (buckets + symbol) * 4)) {
                        if (symbol >= chains || ++steps > chains) {
                            throw new Malformed("its hash table's chains name symbols outside the table, or loop");
                        }
                    }
                }
            }
            return chains;
        }

        // ---- Symbols and their versions ----

        /**
         * Every symbol: its name inside the string table, each function inside an executable segment (the loader
         * calls an IFUNC resolver while it relocates), thread-locals only with a PT_TLS segment; notes the
         * defined symbols that are not functions, and what keeps the library from unloading.
         */
        private void symbolTable() throws IOException, Malformed {
            versions();
            String unique = null;
            boolean threadLocalDestructors = false;
            long versym = -1;
            if (has(DT_VERSYM)) {
                versym = fileOffset(value(DT_VERSYM), symbols * 2, "its symbol versions (DT_VERSYM)");
                table(value(DT_VERSYM), symbols * 2);
            }
            if ((versym >= 0) != (versionHigh > 0)) {
                throw new Malformed("it has symbol versions (DT_VERSYM) but defines or needs none, or the other way"
                        + " round");
            }
            for (long i = 0; i < symbols; i++) {
                long at = symtab + i * SYM_SIZE;
                long nameOffset = elf.u32(at);
                if (nameOffset >= strsz) {
                    throw new Malformed("symbol " + i + "'s name lies outside its string table");
                }
                if (versym >= 0 && (elf.u16(versym + i * 2) & 0x7fff) > versionHigh) {
                    throw new Malformed("symbol " + i + "'s version " + (elf.u16(versym + i * 2) & 0x7fff)
                            + " is not defined or needed");
                }
                if (i == 0) {
                    continue;  // the null symbol
                }
                int info = elf.u8(at + 4);
                int type = info & 0xf;
                int binding = info >> 4;
                int section = elf.u16(at + 6);
                boolean defined = section != 0;  // st_shndx != SHN_UNDEF
                long name = strtab + nameOffset;
                if (defined && (type == STT_FUNC || type == STT_GNU_IFUNC)) {
                    long value = elf.u64(at + 8);
                    if (section == SHN_ABS || !isCode(value)) {
                        throw new Malformed("the function " + elf.string(name, strtab + strsz) + " at " + hex(value)
                                + " lies outside its executable segments");
                    }
                } else if (defined) {
                    if (binding == 0 /* STB_LOCAL */ && type != 3 /* STT_SECTION */ && type != STT_TLS) {
                        throw new Malformed("symbol " + i + " is a local definition that is not a function, a"
                                + " section or a thread-local: the loader binds it without looking it up");
                    }
                    notFunctions.put(elf.string(name, strtab + strsz), typeName(type));
                    if (type == STT_TLS && !tls) {
                        throw new Malformed("it defines a thread-local symbol but has no PT_TLS segment");
                    }
                }
                if (defined && binding == STB_GNU_UNIQUE && unique == null) {
                    unique = elf.string(name, strtab + strsz);
                }
                if (!defined && ((binding != 1 /* STB_GLOBAL */ && binding != STB_WEAK) || (elf.u8(at + 5) & 3) != 0)) {
                    throw new Malformed("the undefined symbol " + elf.string(name, strtab + strsz) + " is not"
                            + " global, or not visible (the loader would take it for its own, at address 0)");
                }
                if (!defined && !threadLocalDestructors) {
                    // Rust's std imports __cxa_thread_atexit_impl weakly in every cdylib, used or not: only
                    // the C++ runtime's entry point, or a strong import, says that destructors are registered.
                    // Compared in place: a String per imported name was a third of the check's time.
                    threadLocalDestructors = elf.nameIs(name, strtab + strsz, CXA_THREAD_ATEXIT)
                            || (binding != STB_WEAK && elf.nameIs(name, strtab + strsz, CXA_THREAD_ATEXIT_IMPL));
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
        }

        /**
         * The version definitions and needs, walked as the loader walks them: each entry and its auxiliary
         * entries inside the file, each name inside the string table, each needed version's file one of the
         * DT_NEEDED names (the loader asserts it finds that file loaded). Sets {@link #versionHigh}, the highest
         * version index, which bounds the indexes DT_VERSYM may hold.
         */
        private void versions() throws IOException, Malformed {
            int entries = 0;
            long low = Long.MAX_VALUE;  // the extent of each table, entries and their auxiliary entries
            long high = 0;
            if (has(DT_VERNEED)) {
                for (long need = value(DT_VERNEED); ; ) {
                    long at = fileOffset(need, 16, "a version need (DT_VERNEED)");
                    low = Math.min(low, need);
                    high = Math.max(high, need + 16);
                    long file = elf.u32(at + 4);
                    if (file >= strsz || !isNeeded(strtab + file)) {
                        throw new Malformed("a version need names a file that is not one of its DT_NEEDED");
                    }
                    for (long aux = need + elf.u32(at + 8); ; ) {
                        long auxAt = fileOffset(aux, 16, "a version need's entry");
                        low = Math.min(low, aux);
                        high = Math.max(high, aux + 16);
                        if (elf.u32(auxAt + 8) >= strsz) {
                            throw new Malformed("a needed version's name lies outside its string table");
                        }
                        versionHigh = Math.max(versionHigh, elf.u16(auxAt + 6) & 0x7fff);
                        if (++entries > MAX_VERSION_ENTRIES) {
                            throw new Malformed("it has more than " + MAX_VERSION_ENTRIES + " version entries");
                        }
                        long next = elf.u32(auxAt + 12);
                        if (next == 0) {
                            break;
                        }
                        aux += next;
                    }
                    long next = elf.u32(at + 12);
                    if (next == 0) {
                        break;
                    }
                    need += next;
                }
                table(low, high - low);
                low = Long.MAX_VALUE;
                high = 0;
            }
            if (has(DT_VERDEF)) {
                for (long def = value(DT_VERDEF); ; ) {
                    long at = fileOffset(def, 20, "a version definition (DT_VERDEF)");
                    long auxAt = fileOffset(def + elf.u32(at + 12), 8, "a version definition's name");
                    low = Math.min(low, Math.min(def, def + elf.u32(at + 12)));
                    high = Math.max(high, Math.max(def + 20, def + elf.u32(at + 12) + 8));
                    if (elf.u32(auxAt) >= strsz) {
                        throw new Malformed("a defined version's name lies outside its string table");
                    }
                    versionHigh = Math.max(versionHigh, elf.u16(at + 4) & 0x7fff);
                    if (++entries > MAX_VERSION_ENTRIES) {
                        throw new Malformed("it has more than " + MAX_VERSION_ENTRIES + " version entries");
                    }
                    long next = elf.u32(at + 16);
                    if (next == 0) {
                        break;
                    }
                    def += next;
                }
                table(low, high - low);
            }
        }

        /** Whether the name at {@code name} is one of the DT_NEEDED names. */
        private boolean isNeeded(long name) throws IOException, Malformed {
            for (long i = 0; i < dynamicEntries; i++) {
                if (elf.u64(dynamicOffset + i * 16) == DT_NEEDED) {
                    long value = elf.u64(dynamicOffset + i * 16 + 8);
                    if (value >= 0 && value < strsz && elf.sameName(name, strtab + value, strtab + strsz)) {
                        return true;
                    }
                }
            }
            return false;
        }

        // ---- Relocations ----

        /**
         * The relocation tables, in the ranges the loader makes of them (DT_JMPREL apart, or as the end of
         * DT_RELA); the symbols they name count as symbols of the table (a library that exports nothing hashes
         * none of its imports).
         */
        private void relocationTables() throws IOException, Malformed {
            if (has(DT_RELA)) {
                if (!has(DT_RELASZ) || !has(DT_RELAENT) || value(DT_RELAENT) != RELA_SIZE) {
                    throw new Malformed("DT_RELA comes without DT_RELASZ, or a DT_RELAENT of " + RELA_SIZE);
                }
                relaCount = entries(value(DT_RELASZ), "DT_RELASZ");
                rela = fileOffset(value(DT_RELA), value(DT_RELASZ), "its relocations (DT_RELA, DT_RELASZ)");
                table(value(DT_RELA), value(DT_RELASZ));
            }
            if (has(DT_PLTREL) || has(DT_JMPREL)) {
                if (!has(DT_PLTREL) || !has(DT_JMPREL) || !has(DT_PLTRELSZ) || !has(DT_PLTGOT)) {
                    throw new Malformed("DT_JMPREL comes without DT_PLTREL, DT_PLTRELSZ or DT_PLTGOT");
                }
                if (value(DT_PLTREL) != DT_RELA && (x86 || value(DT_PLTREL) != DT_REL)) {
                    throw new Malformed("DT_PLTREL is " + value(DT_PLTREL) + ", not DT_RELA");
                }
                pltCount = entries(value(DT_PLTRELSZ), "DT_PLTRELSZ");
                plt = fileOffset(value(DT_JMPREL), value(DT_PLTRELSZ), "its PLT relocations (DT_JMPREL)");
                table(value(DT_JMPREL), value(DT_PLTRELSZ));
                if (rela >= 0) {
                    long relaEnd = value(DT_RELA) + relaCount * RELA_SIZE;
                    long pltEnd = value(DT_JMPREL) + pltCount * RELA_SIZE;
                    if (relaEnd == pltEnd && pltCount <= relaCount) {
                        relaCount -= pltCount;  // DT_RELASZ counts the PLT's too: the loader takes them off
                        relaEnd -= pltCount * RELA_SIZE;
                    }
                    if (value(DT_JMPREL) < relaEnd && value(DT_RELA) < pltEnd) {
                        throw new Malformed("its PLT relocations (DT_JMPREL) overlap its others (DT_RELA)");
                    }
                }
            }
            if (has(DT_REL)) {
                if (!has(DT_RELSZ) || !has(DT_RELENT) || value(DT_RELENT) != 16) {
                    throw new Malformed("DT_REL comes without DT_RELSZ, or a DT_RELENT of 16");
                }
                fileOffset(value(DT_REL), value(DT_RELSZ), "its relocations (DT_REL, DT_RELSZ)");
                table(value(DT_REL), value(DT_RELSZ));
            }
            if (has(DT_RELR)) {
                if (!has(DT_RELRSZ) || !has(DT_RELRENT) || value(DT_RELRENT) != 8) {
                    throw new Malformed("DT_RELR comes without DT_RELRSZ, or a DT_RELRENT of 8");
                }
                fileOffset(value(DT_RELR), value(DT_RELRSZ), "its relative relocations (DT_RELR, DT_RELRSZ)");
                table(value(DT_RELR), value(DT_RELRSZ));
            }
            long relative = has(DT_RELACOUNT) ? value(DT_RELACOUNT) : 0;
            for (long i = 0; i < relaCount + pltCount; i++) {
                long at = i < relaCount ? rela + i * RELA_SIZE : plt + (i - relaCount) * RELA_SIZE;
                if (i >= relative || i >= relaCount) {  // the loader reads no symbol of those it counts relative
                    long symbol = elf.u64(at + 8) >>> 32;
                    if (symbol >= MAX_SYMBOLS) {
                        throw new Malformed("a relocation names symbol " + symbol);
                    }
                    symbols = Math.max(symbols, symbol + 1);
                }
            }
        }

        /**
         * Each relocation, as the loader applies it (DT_RELR first), then that every init and fini array entry was
         * set to code. Relocation types are read as x86-64's; for another machine, only where they lie.
         */
        private void relocations() throws IOException, Malformed {
            if (plt >= 0) {
                writable(value(DT_PLTGOT), 24, "DT_PLTGOT");
                table(value(DT_PLTGOT), 24);  // the loader writes these words for lazy binding, no relocation
            }
            if (has(DT_TLSDESC_GOT)) {
                writable(value(DT_TLSDESC_GOT), 8, "DT_TLSDESC_GOT");
            }
            if (has(DT_RELR)) {
                relr();
            }
            if (!x86) {
                return;
            }
            long relative = has(DT_RELACOUNT) ? value(DT_RELACOUNT) : 0;
            if (relative < 0 || relative > relaCount) {
                throw new Malformed("DT_RELACOUNT " + Long.toUnsignedString(relative) + " is more than its "
                        + relaCount + " relocations");
            }
            for (long i = 0; i < relaCount; i++) {
                relocation(rela + i * RELA_SIZE, i < relative, false);
            }
            for (long i = 0; i < pltCount; i++) {
                relocation(plt + i * RELA_SIZE, false, true);
            }
            for (Array array : new Array[] {initArray, finiArray}) {
                if (array != null && array.set.cardinality() != array.entries) {
                    throw new Malformed("an entry of its " + array.name + " is not relocated to its code");
                }
            }
        }

        private static long entries(long size, String name) throws Malformed {
            if (size < 0 || size % RELA_SIZE != 0) {
                throw new Malformed(name + " " + Long.toUnsignedString(size) + " is not a whole number of"
                        + " relocations");
            }
            return size / RELA_SIZE;
        }

        /**
         * One x86-64 relocation, as the loader applies it, and as linkers write them: the place it writes, aligned
         * and inside a writable segment, not in a table the loader reads; a relative one names no symbol, the
         * others one of the table; an IFUNC resolver lies inside the code; the PLT slots after DT_PLTGOT's three
         * words hold the address of code (lazy binding jumps there) and are written by the relocations of
         * DT_JMPREL, one each, in order, to a function; into an init or fini array goes the address of code. The
         * first DT_RELACOUNT ones the loader applies as relative without reading their type: they must be
         * relative. Types no linker writes into an x86-64 library are refused; those the loader does not know, it
         * refuses itself.
         */
        private void relocation(long at, boolean counted, boolean inPlt) throws IOException, Malformed {
            long offset = elf.u64(at);
            long info = elf.u64(at + 8);
            long addend = elf.u64(at + 16);
            int type = (int) info;
            long symbol = info >>> 32;
            if (counted) {
                if (type != R_X86_64_RELATIVE) {
                    throw new Malformed("DT_RELACOUNT counts a relocation of type " + type + ", not relative");
                }
                writes(offset, 8, true, addend);
                return;
            }
            if (inPlt && type != R_X86_64_JUMP_SLOT && type != R_X86_64_IRELATIVE && type != R_X86_64_TLSDESC) {
                throw new Malformed("a PLT relocation (DT_JMPREL) has type " + type);
            }
            long sym = symtab + symbol * SYM_SIZE;
            switch (type) {
                case R_X86_64_NONE:
                    return;
                case R_X86_64_RELATIVE:
                case R_X86_64_IRELATIVE:
                    if (symbol != 0) {
                        throw new Malformed("a relative relocation names a symbol");
                    }
                    if (type == R_X86_64_IRELATIVE && !isCode(addend)) {
                        throw new Malformed("an IFUNC resolver at " + hex(addend)
                                + " lies outside its executable segments");
                    }
                    writes(offset, 8, type == R_X86_64_RELATIVE, addend);
                    return;
                case R_X86_64_JUMP_SLOT: {
                    int kind = elf.u8(sym + 4) & 0xf;
                    boolean defined = elf.u16(sym + 6) != 0;
                    if (!inPlt || symbol == 0 || (kind != STT_FUNC && kind != STT_GNU_IFUNC && kind != 0 /* NOTYPE */)
                            || (defined && !isCode(elf.u64(sym + 8)))) {
                        throw new Malformed("a PLT relocation does not name a function, or lies outside DT_JMPREL");
                    }
                    long slot = offset - value(DT_PLTGOT) - 24;
                    if (slot <= lastPltSlot || slot % 8 != 0 || slot / 8 >= pltCount) {
                        throw new Malformed("a PLT relocation writes at " + hex(offset) + ", not the next slot of"
                                + " its own after DT_PLTGOT");
                    }
                    lastPltSlot = slot;
                    writable(offset, 8, "a PLT relocation");
                    if (!bindNow() && offset >= relroStart && offset < relroEnd) {
                        throw new Malformed("the PLT slot at " + hex(offset) + " lies in PT_GNU_RELRO, which the"
                                + " loader makes read-only before a lazily bound call writes the slot");
                    }
                    if (!isCode(elf.u64(fileOffset(offset, 8, "a PLT slot")))) {
                        throw new Malformed("the PLT slot at " + hex(offset) + " does not hold the address of code,"
                                + " where a lazily bound call jumps to first");
                    }
                    writes(offset, 8, false, 0);
                    return;
                }
                case R_X86_64_64:
                case R_X86_64_GLOB_DAT: {
                    if (symbol == 0) {
                        throw new Malformed("a symbolic relocation names no symbol");
                    }
                    boolean function = elf.u16(sym + 6) != 0 && (elf.u8(sym + 4) & 0xf) == STT_FUNC;
                    writes(offset, 8, function && type == R_X86_64_64, elf.u64(sym + 8) + addend);
                    return;
                }
                case R_X86_64_SIZE32:
                case R_X86_64_SIZE64:
                    if (symbol == 0 || (elf.u16(sym + 6) == 0 && elf.u8(sym + 4) >> 4 == STB_WEAK)) {
                        throw new Malformed("a size relocation names no symbol, or a weak undefined one");
                    }
                    writes(offset, type == R_X86_64_SIZE32 ? 4 : 8, false, 0);
                    return;
                case R_X86_64_TPOFF64:
                case R_X86_64_TLSDESC:
                case R_X86_64_DTPMOD64:
                case R_X86_64_DTPOFF64:
                    threadLocal(symbol);
                    writes(offset, type == R_X86_64_TLSDESC ? 16 : 8, false, 0);
                    return;
                case R_X86_64_COPY:
                case R_X86_64_RELATIVE64:
                case R_X86_64_32:
                case R_X86_64_PC32:
                    throw new Malformed("it has a relocation of type " + type + ", which a linker writes only into"
                            + " programs, or into no x86-64 library");
                default:
                    // The loader refuses the file with "unexpected reloc type", writing nothing.
            }
        }

        /**
         * A TLS relocation names a thread-local, or none: then it is this file's, and needs its PT_TLS segment
         * (without one, the loader divides by its alignment, 0, as it makes room in static TLS).
         */
        private void threadLocal(long symbol) throws IOException, Malformed {
            if (symbol == 0 ? !tls : (elf.u8(symtab + symbol * SYM_SIZE + 4) & 0xf) != STT_TLS) {
                throw new Malformed("a TLS relocation names a symbol that is not a thread-local");
            }
        }

        /**
         * A relocation that writes {@code length} bytes at {@code vaddr}: inside a writable segment (aligned), or
         * into the code with DT_TEXTREL, and not in a table the loader reads. Into an init or fini array, it must
         * set a whole entry to code: it is {@code known} to set the address {@code value}, which lies in an
         * executable segment.
         */
        private void writes(long vaddr, long length, boolean known, long value) throws Malformed {
            writable(vaddr, length, "a relocation");
            int load = loadHolding(vaddr, length);
            if ((loadFlags[load] & PF_W) != 0 && vaddr % Math.min(length, 8) != 0) {  // code's need not be
                throw new Malformed("a relocation writes at " + hex(vaddr) + ", not aligned to its " + length
                        + " bytes");
            }
            for (Array array : new Array[] {initArray, finiArray}) {
                if (array != null && array.overlaps(vaddr, length)) {
                    array.relocated(vaddr, length, known && isCode(value));
                }
            }
        }

        /**
         * DT_RELR, the packed relative relocations, which the loader applies first: an address, then bitmaps of
         * the words that follow it. Each word it adds the load address to is inside a writable segment; in an
         * init or fini array, what it holds in the file is code.
         */
        private void relr() throws IOException, Malformed {
            long size = value(DT_RELRSZ);
            if (size < 0 || size % 8 != 0) {
                throw new Malformed("DT_RELRSZ " + Long.toUnsignedString(size) + " is not a whole number of words");
            }
            long at = fileOffset(value(DT_RELR), size, "its relative relocations (DT_RELR, DT_RELRSZ)");
            long where = -1;
            for (long i = 0; i < size / 8; i++) {
                long entry = elf.u64(at + i * 8);
                if ((entry & 1) == 0) {
                    relrWord(entry);
                    where = entry + 8;
                } else {
                    if (where < 0) {
                        throw new Malformed("its DT_RELR starts with a bitmap, not an address");
                    }
                    for (int bit = 1; bit < 64; bit++) {
                        if ((entry >>> bit & 1) != 0) {
                            relrWord(where + (bit - 1) * 8L);
                        }
                    }
                    where += 63 * 8;
                }
            }
        }

        private void relrWord(long vaddr) throws IOException, Malformed {
            if (vaddr % 8 != 0) {
                throw new Malformed("a relative relocation (DT_RELR) writes at " + hex(vaddr) + ", not aligned");
            }
            writable(vaddr, 8, "a relative relocation (DT_RELR)");
            for (Array array : new Array[] {initArray, finiArray}) {
                if (array != null && array.overlaps(vaddr, 8)) {
                    array.relocated(vaddr, 8, isCode(elf.u64(fileOffset(vaddr, 8, array.name))));
                }
            }
        }

        // ---- Names and flags ----

        /** Every name the dynamic segment gives, inside the string table; DT_NEEDED, DT_RUNPATH and DT_RPATH. */
        private void names() throws IOException, Malformed {
            List<String> runpath = new ArrayList<>();
            List<String> rpath = new ArrayList<>();
            for (long i = 0; i < dynamicEntries; i++) {
                long tag = elf.u64(dynamicOffset + i * 16);
                long value = elf.u64(dynamicOffset + i * 16 + 8);
                for (long nameTag : NAME_TAGS) {
                    if (tag == nameTag) {
                        if (value < 0 || value >= strsz) {
                            throw new Malformed("a dynamic entry's name lies outside its string table");
                        }
                        String s = elf.string(strtab + value, strtab + strsz);
                        if (s.isEmpty() && (tag == DT_NEEDED || tag == DT_FILTER || tag == DT_AUXILIARY)) {
                            throw new Malformed("a DT_NEEDED, DT_FILTER or DT_AUXILIARY entry names no library");
                        }
                        if (tag == DT_NEEDED) {
                            needed.add(s);
                        } else if (tag == DT_RUNPATH || tag == DT_RPATH) {
                            (tag == DT_RUNPATH ? runpath : rpath).addAll(List.of(s.split(":")));
                        }
                    }
                }
            }
            searchPath.addAll(runpath.isEmpty() ? rpath : runpath);  // glibc ignores RPATH when RUNPATH is set
        }

        /** Whether the loader binds every function as it loads the library, however dlopen is asked to. */
        private boolean bindNow() {
            return has(DT_BIND_NOW) || (has(DT_FLAGS) && (value(DT_FLAGS) & DF_BIND_NOW) != 0)
                    || (has(DT_FLAGS_1) && (value(DT_FLAGS_1) & DF_1_NOW) != 0);
        }

        /** The warnings DT_FLAGS and DT_FLAGS_1 call for. */
        private void flags() {
            if (tls && has(DT_FLAGS) && (value(DT_FLAGS) & DF_STATIC_TLS) != 0) {
                warnings.add("it has initial-exec thread-locals (DF_STATIC_TLS): each version takes a block of"
                        + " glibc's static TLS that is never given back, and after about a dozen reloads every"
                        + " version is refused until a restart; build it with -ftls-model=global-dynamic");
            }
            if (has(DT_FLAGS_1) && (value(DT_FLAGS_1) & DF_1_NODELETE) != 0) {
                warnings.add("it is linked with -z nodelete (DF_1_NODELETE): glibc never unloads it, so every"
                        + " version stays mapped; link it without -z nodelete");
            }
        }

        private static String typeName(int type) {
            switch (type) {
                case 0: return "STT_NOTYPE";
                case STT_OBJECT: return "STT_OBJECT";
                case 3: return "STT_SECTION";
                case 4: return "STT_FILE";
                case 5: return "STT_COMMON";
                case STT_TLS: return "STT_TLS";
                default: return "symbol type " + type;
            }
        }
    }
}
