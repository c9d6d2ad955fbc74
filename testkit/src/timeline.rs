//! A readable record of what happened, on the fake clock:
//! `+0s  task process-payment #1 started {"amount":42}`.

use rhythm_engine::duration::format_duration;
use rhythm_interpreter::effects::Json;

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Milliseconds since the kit's start.
    pub at_ms: f64,
    /// What happened (prefixed with the execution for child workflows).
    pub text: String,
}

/// The timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    entries: Vec<Entry>,
}

impl Timeline {
    /// Appends an entry.
    pub fn push(&mut self, at_ms: f64, prefix: &str, text: String) {
        self.entries.push(Entry {
            at_ms,
            text: format!("{prefix}{text}"),
        });
    }

    /// The entries, in order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

impl std::fmt::Display for Timeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for e in &self.entries {
            writeln!(f, "+{}  {}", format_duration(e.at_ms), e.text)?;
        }
        Ok(())
    }
}

/// Compact JSON text, cut at 200 characters.
pub fn json_text(value: &Json) -> String {
    let text = value.to_string();
    if text.chars().count() > 200 {
        let cut: String = text.chars().take(200).collect();
        format!("{cut}…")
    } else {
        text
    }
}
