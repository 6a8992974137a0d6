# The library variants of the demo's ABI (c-lib/include/hotlib.h) the Java tests load, built for C and for Rust
# from the templates c-lib/variants/variant.c.in and rust-lib/variants/variant.rs.in.
# Each entry: name|abi_version|foo (or -)|bar (or -)[|flag,flag...]
# The greeting of every variant is "variant <name>"; update() adds foo to value. The flags:
#   dep          links libhotlib_gone.so, which is built into build/test-variants/gone/ but is not on the
#                loader's search path, so loading the variant fails on a missing dependency
#   undef        calls hotlib_nowhere(), defined nowhere (gcc -shared links it): only RTLD_NOW refuses it
#   nullgreeting greeting() returns NULL
#   foodata      exports foo as data (int32_t foo = <foo>), not as a function
#   bardata      exports bar as data
#   sibling      foo() returns hotlib_sibling() of libhotlib_sibling.so, found beside it (RUNPATH $ORIGIN);
#                two builds of that library are in build/test-variants/sibling/{a,b}/ (41 and 42)
#   tlsdrop      (Rust) foo() reads a thread_local! whose value has a Drop: glibc then keeps the library
#                mapped after dlclose while the calling thread lives
#   statictls    (C) foo() writes a 128-byte initial-exec thread-local: each version loaded before the old one
#                is closed takes a block of the static TLS surplus, and after about a dozen dlopen refuses
#   nodelete     linked with -z nodelete (DF_1_NODELETE): the loader never unloads it
set(HOTLIB_VARIANTS
  "v1|1|1|-"       # foo() -> 1, bar not exported
  "v2|1|2|20"      # foo() -> 2, bar() -> 20
  "v3|1|3|-"       # foo() -> 3, bar not exported again
  "abi2|2|7|-"     # reports another ABI version: must be refused
  "nofoo|1|-|-"    # lacks the required foo: must be refused
  "needsdep|1|8|-|dep"  # needs a library the loader cannot find: must be refused, naming it
  "undef|1|9|-|undef"   # an undefined function: must be refused at load, not at the first call
  "nullgreeting|1|4|-|nullgreeting"  # loads; its greeting is empty
  "foodata|1|5|-|foodata"  # foo is data: must be refused before it is called
  "bardata|1|2|6|bardata"  # bar is data: must be refused before it is called
  "sibling|1|40|-|sibling"   # needs its sibling library, found through $ORIGIN
  "sibling2|1|40|-|sibling"  # the same, another build: a new version of a guest with a dependency
  "tlsdrop|1|4|-|tlsdrop"  # Rust: stays mapped after dlclose (C: a plain library)
  "statictls|1|12|-|statictls"   # C: an initial-exec thread-local, warned of at load (Rust: a plain library)
  "statictls2|1|13|-|statictls"  # the same, another build, to reload it again and again
  "nodelete|1|14|-|nodelete"     # never unloaded by the loader: warned of at load and at its unload
)
set(HOTLIB_VARIANT_FLAGS dep undef nullgreeting foodata bardata sibling tlsdrop statictls nodelete)

# Sets VARIANT_NAME, VARIANT_ABI, VARIANT_FOO, VARIANT_BAR, VARIANT_GREETING, and the switches the
# templates use: VARIANT_HAS_FOO / VARIANT_HAS_BAR (C, 0 or 1), VARIANT_FOO_CFG / VARIANT_BAR_CFG (Rust cfg),
# and for each flag F of HOTLIB_VARIANT_FLAGS, upper-cased: VARIANT_F (0 or 1) and VARIANT_F_CFG.
macro(hotlib_parse_variant spec)
  string(REPLACE "|" ";" _fields "${spec}")
  list(GET _fields 0 VARIANT_NAME)
  list(GET _fields 1 VARIANT_ABI)
  list(GET _fields 2 VARIANT_FOO)
  list(GET _fields 3 VARIANT_BAR)
  set(_flags "")
  list(LENGTH _fields _count)
  if(_count GREATER 4)
    list(GET _fields 4 _flags)
    string(REPLACE "," ";" _flags "${_flags}")
  endif()
  set(VARIANT_GREETING "variant ${VARIANT_NAME}")
  foreach(_fn FOO BAR)
    if(VARIANT_${_fn} STREQUAL "-")
      set(VARIANT_HAS_${_fn} 0)
      set(VARIANT_${_fn}_CFG "any()")
      set(VARIANT_${_fn} 0)
    else()
      set(VARIANT_HAS_${_fn} 1)
      set(VARIANT_${_fn}_CFG "all()")
    endif()
  endforeach()
  foreach(_flag IN LISTS HOTLIB_VARIANT_FLAGS)
    string(TOUPPER "${_flag}" _upper)
    if("${_flag}" IN_LIST _flags)
      set(VARIANT_${_upper} 1)
      set(VARIANT_${_upper}_CFG "all()")
    else()
      set(VARIANT_${_upper} 0)
      set(VARIANT_${_upper}_CFG "any()")
    endif()
  endforeach()
  set(VARIANT_HAS_DEP ${VARIANT_DEP})
endmacro()

# The variants of the second ABI (c-lib/game/game.h), built for C and for Rust from the templates
# c-lib/game/game.c.in and rust-lib/game/game.rs.in into build/test-variants/game/{c,rust}/.
# Each entry: name|speed (or -)|bonus (or -)[|flag,flag...]
# step(s, dt) does s->x += speed * dt and s->steps += 1; score(s) returns (int32_t)(s->x * 10) + bonus.
# A "-" leaves that function out: step for speed, score for bonus. The flags:
#   scoredata    exports score as data (int32_t score = <bonus>), not as a function
set(HOTLIB_GAME_VARIANTS
  "v1|1|0"          # step moves 1 per second, score() -> x * 10
  "v2|2|1000"       # step moves 2 per second, score() -> x * 10 + 1000
  "v3|3|2000"       # step moves 3 per second, score() -> x * 10 + 2000
  "noscore|1|-"     # lacks the required score: must be refused
  "nostep|-|0"      # lacks the required step (score is there): must be refused
  "neither|-|-"     # lacks both: must be refused, naming both in one line
  "scoredata|1|7|scoredata"  # score is data: must be refused before it is called
)
set(HOTLIB_GAME_VARIANT_FLAGS scoredata)

# Sets GAME_NAME, GAME_SPEED, GAME_BONUS (0 where left out), the switches GAME_HAS_STEP / GAME_HAS_SCORE
# (C, 0 or 1) and GAME_STEP_CFG / GAME_SCORE_CFG (Rust cfg), and for each flag F of HOTLIB_GAME_VARIANT_FLAGS,
# upper-cased: GAME_F (0 or 1) and GAME_F_CFG.
macro(hotlib_parse_game_variant spec)
  string(REPLACE "|" ";" _fields "${spec}")
  list(GET _fields 0 GAME_NAME)
  list(GET _fields 1 GAME_SPEED)
  list(GET _fields 2 GAME_BONUS)
  set(_flags "")
  list(LENGTH _fields _count)
  if(_count GREATER 3)
    list(GET _fields 3 _flags)
    string(REPLACE "," ";" _flags "${_flags}")
  endif()
  foreach(_pair STEP:SPEED SCORE:BONUS)
    string(REPLACE ":" ";" _pair "${_pair}")
    list(GET _pair 0 _fn)
    list(GET _pair 1 _value)
    if(GAME_${_value} STREQUAL "-")
      set(GAME_HAS_${_fn} 0)
      set(GAME_${_fn}_CFG "any()")
      set(GAME_${_value} 0)
    else()
      set(GAME_HAS_${_fn} 1)
      set(GAME_${_fn}_CFG "all()")
    endif()
  endforeach()
  foreach(_flag IN LISTS HOTLIB_GAME_VARIANT_FLAGS)
    string(TOUPPER "${_flag}" _upper)
    if("${_flag}" IN_LIST _flags)
      set(GAME_${_upper} 1)
      set(GAME_${_upper}_CFG "all()")
    else()
      set(GAME_${_upper} 0)
      set(GAME_${_upper}_CFG "any()")
    endif()
  endforeach()
endmacro()
