//! Saved-state bytes, arbitrary or corrupted, decode to a clear error or a state that resumes
//! without a panic (`rhythm_fuzz::check_state`).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    rhythm_fuzz::check_state(data);
});
