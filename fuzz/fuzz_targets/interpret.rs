//! Generated (or mutated) programs run within small budgets without a panic
//! (`rhythm_fuzz::check_interpret`).
#![no_main]
libfuzzer_sys::fuzz_target!(|input: rhythm_fuzz::InterpretInput| {
    rhythm_fuzz::check_interpret(&input);
});
