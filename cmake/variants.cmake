# The library variants the Java tests load, built for C and for Rust from the templates
# c-lib/variants/variant.c.in and rust-lib/variants/variant.rs.in.
# Each entry: name|abi_version|foo (or -)|bar (or -)[|dep]
# "dep" links the variant against libhotlib_gone.so, which is built into build/test-variants/gone/ but is not
# on the loader's search path, so loading the variant fails on a missing dependency.
# The greeting of every variant is "variant <name>"; update() adds foo to value.
set(HOTLIB_VARIANTS
  "v1|1|1|-"       # foo() -> 1, bar not exported
  "v2|1|2|20"      # foo() -> 2, bar() -> 20
  "v3|1|3|-"       # foo() -> 3, bar not exported again
  "abi2|2|7|-"     # reports another ABI version: must be refused
  "nofoo|1|-|-"    # lacks the required foo: must be refused
  "needsdep|1|8|-|dep"  # needs a library the loader cannot find: must be refused, naming it
)

# Sets VARIANT_NAME, VARIANT_ABI, VARIANT_FOO, VARIANT_BAR, VARIANT_GREETING, and the switches the
# templates use: VARIANT_HAS_FOO / VARIANT_HAS_BAR / VARIANT_HAS_DEP (C, 0 or 1), VARIANT_FOO_CFG /
# VARIANT_BAR_CFG / VARIANT_DEP_CFG (Rust cfg).
macro(hotlib_parse_variant spec)
  string(REPLACE "|" ";" _fields "${spec}")
  list(GET _fields 0 VARIANT_NAME)
  list(GET _fields 1 VARIANT_ABI)
  list(GET _fields 2 VARIANT_FOO)
  list(GET _fields 3 VARIANT_BAR)
  set(VARIANT_DEP "-")
  list(LENGTH _fields _count)
  if(_count GREATER 4)
    list(GET _fields 4 VARIANT_DEP)
  endif()
  set(VARIANT_GREETING "variant ${VARIANT_NAME}")
  foreach(_fn FOO BAR DEP)
    if(VARIANT_${_fn} STREQUAL "-")
      set(VARIANT_HAS_${_fn} 0)
      set(VARIANT_${_fn}_CFG "any()")
      set(VARIANT_${_fn} 0)
    else()
      set(VARIANT_HAS_${_fn} 1)
      set(VARIANT_${_fn}_CFG "all()")
    endif()
  endforeach()
endmacro()
