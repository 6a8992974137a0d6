//! The Rust guest: the same C ABI as c-lib/include/hotlib.h, in the same order.
//! Edit it while the Java example runs, then `cmake --build build`.

use std::ffi::{c_char, CStr};

/// typedef struct hotlib_state { int64_t frame; double value; } hotlib_state;
#[repr(C)]
pub struct HotlibState {
    pub frame: i64,
    pub value: f64,
}

/// int32_t abi_version(void);
#[unsafe(no_mangle)]
pub extern "C" fn abi_version() -> i32 {
    1
}

/// int32_t foo(void);
#[unsafe(no_mangle)]
pub extern "C" fn foo() -> i32 {
    4
}

// int32_t bar(void); is optional: uncomment it, rebuild, and watch "bar() is not defined" turn into a value.
// #[unsafe(no_mangle)]
// pub extern "C" fn bar() -> i32 {
//     10
// }

/// const char *greeting(void);
#[unsafe(no_mangle)]
pub extern "C" fn greeting() -> *const c_char {
    const GREETING: &CStr = c"Hello from Rust";
    GREETING.as_ptr()
}

/// void update(hotlib_state *state);
///
/// # Safety
/// `state` points to the host's `hotlib_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn update(state: *mut HotlibState) {
    let state = unsafe { &mut *state };
    state.frame += 1;
    state.value += 0.25;
}
