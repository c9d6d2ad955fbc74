//! Snapshot tests: every `test_data/*.flow` file, formatted; each result must be stable
//! (formatting it again changes nothing).

use rhythm_fmt::{Options, format};

#[test]
fn fixtures() {
    insta::glob!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/test_data"),
        "*.flow",
        |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let out = format(&text, &Options::default()).unwrap();
            let again = format(&out, &Options::default()).unwrap();
            assert_eq!(again, out, "formatting {} twice changed it", path.display());
            insta::assert_snapshot!(out);
        }
    );
}

#[test]
fn design_examples_are_formatted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/workflows");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let out = format(&text, &Options::default()).unwrap();
        assert_eq!(out, text, "{} is not formatted", path.display());
    }
}

#[test]
fn narrow_widths_and_wide_indents_still_round_trip() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test_data");
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for options in [
            Options {
                line_width: 20,
                indent: 4,
            },
            Options {
                line_width: 1,
                indent: 1,
            },
        ] {
            let out = format(&text, &options).unwrap();
            assert_eq!(format(&out, &options).unwrap(), out);
        }
    }
}
