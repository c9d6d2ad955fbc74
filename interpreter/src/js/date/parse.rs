//! A port of V8's `DateParser`: first the ES5 ISO format (`[+-yy]yyyy[-MM[-DD]]`, then
//! `THH:mm[:ss[.s…]]` and `Z` / `±hh:mm` / `±hhmm`; date-only forms are UTC, date-time forms
//! without an offset local), and where that does not consume the whole string, V8's legacy
//! parser, which reads numbers, month names, `am`/`pm`, time-zone names and offsets in a
//! forgiving order. Local time is UTC in Rhythm.

use super::{MAX_TIME, make_date, make_day, make_time, time_clip};
use crate::js::is_js_whitespace;

/// "No value" for the composers (V8's `kNone`).
const NONE: i32 = i32::MAX;
/// Digits of a numeral that count (V8's `kMaxSignificantDigits`).
const MAX_SIGNIFICANT_DIGITS: usize = 9;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Keyword {
    MonthName,
    AmPm,
    TimeZoneName,
    TimeSeparator,
    Invalid,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token {
    Invalid,
    Number {
        value: i32,
        len: usize,
    },
    Symbol(char),
    Word {
        kind: Keyword,
        value: i32,
        len: usize,
    },
    WhiteSpace,
    Unknown,
    End,
}

impl Token {
    fn is_fixed_number(self, n: usize) -> bool {
        matches!(self, Token::Number { len, .. } if len == n)
    }
    fn number(self) -> i32 {
        match self {
            Token::Number { value, .. } => value,
            _ => 0,
        }
    }
    fn is_number(self) -> bool {
        matches!(self, Token::Number { .. })
    }
    fn is_sign(self) -> bool {
        matches!(self, Token::Symbol('+' | '-'))
    }
    fn sign(self) -> i32 {
        if self == Token::Symbol('-') { -1 } else { 1 }
    }
    fn is_keyword_z(self) -> bool {
        matches!(
            self,
            Token::Word {
                kind: Keyword::TimeZoneName,
                value: 0,
                len: 1
            }
        )
    }
}

const KEYWORDS: &[(&[u8; 3], Keyword, i32)] = &[
    (b"jan", Keyword::MonthName, 1),
    (b"feb", Keyword::MonthName, 2),
    (b"mar", Keyword::MonthName, 3),
    (b"apr", Keyword::MonthName, 4),
    (b"may", Keyword::MonthName, 5),
    (b"jun", Keyword::MonthName, 6),
    (b"jul", Keyword::MonthName, 7),
    (b"aug", Keyword::MonthName, 8),
    (b"sep", Keyword::MonthName, 9),
    (b"oct", Keyword::MonthName, 10),
    (b"nov", Keyword::MonthName, 11),
    (b"dec", Keyword::MonthName, 12),
    (b"am\0", Keyword::AmPm, 0),
    (b"pm\0", Keyword::AmPm, 12),
    (b"ut\0", Keyword::TimeZoneName, 0),
    (b"utc", Keyword::TimeZoneName, 0),
    (b"z\0\0", Keyword::TimeZoneName, 0),
    (b"gmt", Keyword::TimeZoneName, 0),
    (b"cdt", Keyword::TimeZoneName, -5),
    (b"cst", Keyword::TimeZoneName, -6),
    (b"edt", Keyword::TimeZoneName, -4),
    (b"est", Keyword::TimeZoneName, -5),
    (b"mdt", Keyword::TimeZoneName, -6),
    (b"mst", Keyword::TimeZoneName, -7),
    (b"pdt", Keyword::TimeZoneName, -7),
    (b"pst", Keyword::TimeZoneName, -8),
    (b"t\0\0", Keyword::TimeSeparator, 0),
];

fn lookup(prefix: [u32; 3], len: usize) -> (Keyword, i32) {
    for (word, kind, value) in KEYWORDS {
        let same = word.iter().zip(prefix).all(|(&a, b)| u32::from(a) == b);
        // A word longer than its keyword only counts for month names ("January").
        if same && (len <= 3 || *kind == Keyword::MonthName) {
            return (*kind, *value);
        }
    }
    (Keyword::Invalid, 0)
}

/// V8's `DateStringTokenizer` with one token of lookahead.
struct Scanner {
    chars: Vec<char>,
    pos: usize,
    next: Token,
}

impl Scanner {
    fn new(s: &str) -> Self {
        let mut sc = Self {
            chars: s.chars().collect(),
            pos: 0,
            next: Token::End,
        };
        sc.next = sc.scan();
        sc
    }

    fn ch(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn scan(&mut self) -> Token {
        let start = self.pos;
        let Some(c) = self.ch() else {
            return Token::End;
        };
        if c.is_ascii_digit() {
            while self.ch() == Some('0') {
                self.pos += 1;
            }
            let mut value: i32 = 0;
            let mut digits = 0;
            while let Some(d) = self.ch().and_then(|c| c.to_digit(10)) {
                if digits < MAX_SIGNIFICANT_DIGITS {
                    value = value * 10 + d as i32;
                }
                digits += 1;
                self.pos += 1;
            }
            return Token::Number {
                value,
                len: self.pos - start,
            };
        }
        if matches!(c, ':' | '-' | '+' | '.' | ')') {
            self.pos += 1;
            return Token::Symbol(c);
        }
        if c >= 'A' && !is_js_whitespace(c) {
            let mut prefix = [0u32; 3];
            let mut len = 0;
            while let Some(c) = self.ch() {
                if c < 'A' || is_js_whitespace(c) {
                    break;
                }
                if len < 3 {
                    prefix[len] = (c as u32) | 0x20;
                }
                len += 1;
                self.pos += 1;
            }
            let (kind, value) = lookup(prefix, len);
            return Token::Word { kind, value, len };
        }
        if is_js_whitespace(c) {
            self.pos += 1;
            return Token::WhiteSpace;
        }
        if c == '(' {
            let mut balance = 0;
            loop {
                match self.ch() {
                    Some(')') => balance -= 1,
                    Some('(') => balance += 1,
                    _ => {}
                }
                self.pos += 1;
                if balance <= 0 || matches!(self.ch(), None | Some('\0')) {
                    break;
                }
            }
            return Token::Unknown;
        }
        self.pos += 1;
        Token::Unknown
    }

    fn next(&mut self) -> Token {
        let t = self.next;
        self.next = self.scan();
        t
    }

    fn peek(&self) -> Token {
        self.next
    }

    fn skip_symbol(&mut self, c: char) -> bool {
        if self.next == Token::Symbol(c) {
            self.next();
            true
        } else {
            false
        }
    }
}

/// Year, month and day as they are read.
#[derive(Default)]
struct DayComposer {
    comp: [i32; 3],
    index: usize,
    named_month: Option<i32>,
    iso: bool,
}

fn between(x: i32, lo: i32, hi: i32) -> bool {
    (lo..=hi).contains(&x)
}
fn is_month(x: i32) -> bool {
    between(x, 1, 12)
}
fn is_day(x: i32) -> bool {
    between(x, 1, 31)
}
fn is_hour(x: i32) -> bool {
    between(x, 0, 23)
}
fn is_minute(x: i32) -> bool {
    between(x, 0, 59)
}
fn is_second(x: i32) -> bool {
    between(x, 0, 59)
}
fn is_millisecond(x: i32) -> bool {
    between(x, 0, 999)
}

impl DayComposer {
    fn add(&mut self, n: i32) -> bool {
        if self.index < 3 {
            self.comp[self.index] = n;
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn is_empty(&self) -> bool {
        self.index == 0
    }

    /// (year, month 0-based, day).
    fn write(&mut self) -> Option<(i32, i32, i32)> {
        if self.index < 1 {
            return None;
        }
        while self.index < 3 {
            self.comp[self.index] = 1;
            self.index += 1;
        }
        let c = self.comp;
        let (mut year, month, day) = match self.named_month {
            None => {
                if self.iso || !is_day(c[0]) {
                    (c[0], c[1], c[2])
                } else {
                    (c[2], c[0], c[1])
                }
            }
            Some(m) => {
                if !is_day(c[0]) {
                    (c[0], m, c[1])
                } else {
                    (c[1], m, c[0])
                }
            }
        };
        if !self.iso {
            if between(year, 0, 49) {
                year += 2000;
            } else if between(year, 50, 99) {
                year += 1900;
            }
        }
        if !is_month(month) || !is_day(day) {
            return None;
        }
        Some((year, month - 1, day))
    }
}

/// Hours, minutes, seconds and milliseconds as they are read.
struct TimeComposer {
    comp: [i32; 4],
    index: usize,
    hour_offset: i32,
}

impl TimeComposer {
    fn new() -> Self {
        Self {
            comp: [0; 4],
            index: 0,
            hour_offset: NONE,
        }
    }
    fn is_empty(&self) -> bool {
        self.index == 0
    }
    fn is_expecting(&self, n: i32) -> bool {
        (self.index == 1 && is_minute(n))
            || (self.index == 2 && is_second(n))
            || (self.index == 3 && is_millisecond(n))
    }
    fn add(&mut self, n: i32) -> bool {
        if self.index < 4 {
            self.comp[self.index] = n;
            self.index += 1;
            true
        } else {
            false
        }
    }
    fn add_final(&mut self, n: i32) -> bool {
        if !self.add(n) {
            return false;
        }
        while self.index < 4 {
            self.comp[self.index] = 0;
            self.index += 1;
        }
        true
    }
    fn write(&mut self) -> Option<[i32; 4]> {
        while self.index < 4 {
            self.comp[self.index] = 0;
            self.index += 1;
        }
        let [mut hour, minute, second, ms] = self.comp;
        if self.hour_offset != NONE {
            if !between(hour, 0, 12) {
                return None;
            }
            hour %= 12;
            hour += self.hour_offset;
        }
        if !(is_hour(hour) && is_minute(minute) && is_second(second) && is_millisecond(ms))
            && (hour != 24 || minute != 0 || second != 0 || ms != 0)
        {
            return None;
        }
        Some([hour, minute, second, ms])
    }
}

/// The UTC offset as it is read.
struct TimeZoneComposer {
    sign: i32,
    hour: i32,
    minute: i32,
}

impl TimeZoneComposer {
    fn new() -> Self {
        Self {
            sign: NONE,
            hour: NONE,
            minute: NONE,
        }
    }
    fn set(&mut self, offset_hours: i32) {
        self.sign = if offset_hours < 0 { -1 } else { 1 };
        self.hour = offset_hours.abs();
        self.minute = 0;
    }
    fn is_expecting(&self, n: i32) -> bool {
        self.hour != NONE && self.minute == NONE && is_minute(n)
    }
    fn is_utc(&self) -> bool {
        self.hour == 0 && self.minute == 0
    }
    fn is_empty(&self) -> bool {
        self.hour == NONE
    }
    /// The offset in seconds, `None` for local time; `Err` when out of range.
    fn write(&mut self) -> Result<Option<i64>, ()> {
        if self.sign == NONE {
            return Ok(None);
        }
        let hour = if self.hour == NONE { 0 } else { self.hour };
        let minute = if self.minute == NONE { 0 } else { self.minute };
        let total = i64::from(hour) * 3600 + i64::from(minute) * 60;
        if total > i64::from(i32::MAX >> 1) {
            return Err(());
        }
        Ok(Some(if self.sign < 0 { -total } else { total }))
    }
}

/// Milliseconds from a fraction numeral: its first three significant digits.
fn read_milliseconds(t: Token) -> i32 {
    let Token::Number { value, len } = t else {
        return 0;
    };
    match len {
        1 => value * 100,
        2 => value * 10,
        3 => value,
        _ => {
            let len = len.min(MAX_SIGNIFICANT_DIGITS);
            value / 10i32.pow((len - 3) as u32)
        }
    }
}

/// The ES5 ISO pass. Returns the first token it did not handle (`End` when it took all).
fn parse_iso(
    sc: &mut Scanner,
    day: &mut DayComposer,
    time: &mut TimeComposer,
    tz: &mut TimeZoneComposer,
) -> Token {
    if sc.peek().is_sign() {
        let sign_token = sc.next();
        if !sc.peek().is_fixed_number(6) {
            return sign_token;
        }
        let year = sc.next().number();
        if sign_token.sign() < 0 && year == 0 {
            return sign_token;
        }
        day.add(sign_token.sign() * year);
    } else if sc.peek().is_fixed_number(4) {
        let year = sc.next().number();
        day.add(year);
    } else {
        return sc.next();
    }
    if sc.skip_symbol('-') {
        if !sc.peek().is_fixed_number(2) || !is_month(sc.peek().number()) {
            return sc.next();
        }
        let month = sc.next().number();
        day.add(month);
        if sc.skip_symbol('-') {
            if !sc.peek().is_fixed_number(2) || !is_day(sc.peek().number()) {
                return sc.next();
            }
            let d = sc.next().number();
            day.add(d);
        }
    }
    if !matches!(
        sc.peek(),
        Token::Word {
            kind: Keyword::TimeSeparator,
            ..
        }
    ) {
        if sc.peek() != Token::End {
            return sc.next();
        }
    } else {
        sc.next();
        let p = sc.peek();
        if !p.is_fixed_number(2) || !between(p.number(), 0, 24) {
            return Token::Invalid;
        }
        let hour_is_24 = p.number() == 24;
        let hour = sc.next().number();
        time.add(hour);
        if !sc.skip_symbol(':') {
            return Token::Invalid;
        }
        let p = sc.peek();
        if !p.is_fixed_number(2) || !is_minute(p.number()) || (hour_is_24 && p.number() > 0) {
            return Token::Invalid;
        }
        let minute = sc.next().number();
        time.add(minute);
        if sc.skip_symbol(':') {
            let p = sc.peek();
            if !p.is_fixed_number(2) || !is_second(p.number()) || (hour_is_24 && p.number() > 0) {
                return Token::Invalid;
            }
            let second = sc.next().number();
            time.add(second);
            if sc.skip_symbol('.') {
                let p = sc.peek();
                if !p.is_number() || (hour_is_24 && p.number() > 0) {
                    return Token::Invalid;
                }
                let ms = read_milliseconds(sc.next());
                time.add(ms);
            }
        }
        if sc.peek().is_keyword_z() {
            sc.next();
            tz.set(0);
        } else if sc.peek().is_sign() {
            tz.sign = sc.next().sign();
            if sc.peek().is_fixed_number(4) {
                let hm = sc.next().number();
                let (h, m) = (hm / 100, hm % 100);
                if !is_hour(h) || !is_minute(m) {
                    return Token::Invalid;
                }
                tz.hour = h;
                tz.minute = m;
            } else {
                let p = sc.peek();
                if !p.is_fixed_number(2) || !is_hour(p.number()) {
                    return Token::Invalid;
                }
                tz.hour = sc.next().number();
                if !sc.skip_symbol(':') {
                    return Token::Invalid;
                }
                let p = sc.peek();
                if !p.is_fixed_number(2) || !is_minute(p.number()) {
                    return Token::Invalid;
                }
                tz.minute = sc.next().number();
            }
        }
        if sc.peek() != Token::End {
            return Token::Invalid;
        }
    }
    if tz.is_empty() && time.is_empty() {
        tz.set(0);
    }
    day.iso = true;
    Token::End
}

/// `Date.parse(s)`.
pub(super) fn parse(s: &str) -> f64 {
    let mut sc = Scanner::new(s);
    let mut day = DayComposer::default();
    let mut time = TimeComposer::new();
    let mut tz = TimeZoneComposer::new();
    let first = parse_iso(&mut sc, &mut day, &mut time, &mut tz);
    if first == Token::Invalid {
        return f64::NAN;
    }
    if legacy(&mut sc, first, &mut day, &mut time, &mut tz).is_none() {
        return f64::NAN;
    }
    let (Some((year, month, d)), Some([h, m, sec, ms]), Ok(offset)) =
        (day.write(), time.write(), tz.write())
    else {
        return f64::NAN;
    };
    let date = make_date(
        make_day(f64::from(year), f64::from(month), f64::from(d)),
        make_time(f64::from(h), f64::from(m), f64::from(sec), f64::from(ms)),
    );
    let date = match offset {
        // Local time, which is UTC here; V8 allows 10 days of slack before the offset.
        None => {
            if date.abs() > MAX_TIME + 864_000_000.0 {
                return f64::NAN;
            }
            date
        }
        Some(seconds) => {
            let d = date - seconds as f64 * 1000.0;
            if d.abs() > MAX_TIME {
                return f64::NAN;
            }
            d
        }
    };
    time_clip(date)
}

/// V8's legacy pass over the tokens the ISO pass left. `None` when the string is invalid.
fn legacy(
    sc: &mut Scanner,
    first: Token,
    day: &mut DayComposer,
    time: &mut TimeComposer,
    tz: &mut TimeZoneComposer,
) -> Option<()> {
    let mut has_read_number = !day.is_empty();
    let mut token = first;
    while token != Token::End {
        match token {
            Token::Number { value: n, .. } => {
                has_read_number = true;
                if sc.skip_symbol(':') {
                    if sc.skip_symbol(':') {
                        if !time.is_empty() {
                            return None;
                        }
                        time.add(n);
                        time.add(0);
                    } else {
                        if !time.add(n) {
                            return None;
                        }
                        if sc.peek() == Token::Symbol('.') {
                            sc.next();
                        }
                    }
                } else if sc.skip_symbol('.') && time.is_expecting(n) {
                    time.add(n);
                    if !sc.peek().is_number() {
                        return None;
                    }
                    let ms = read_milliseconds(sc.next());
                    if ms < 0 {
                        return None;
                    }
                    time.add_final(ms);
                } else if tz.is_expecting(n) {
                    tz.minute = n;
                } else if time.is_expecting(n) {
                    time.add_final(n);
                    let p = sc.peek();
                    if !(p == Token::End
                        || p == Token::WhiteSpace
                        || p.is_keyword_z()
                        || p.is_sign())
                    {
                        return None;
                    }
                } else {
                    if !day.add(n) {
                        return None;
                    }
                    sc.skip_symbol('-');
                }
            }
            Token::Word { kind, value, .. } => {
                if kind == Keyword::AmPm && !time.is_empty() {
                    time.hour_offset = value;
                } else if kind == Keyword::MonthName {
                    day.named_month = Some(value);
                    sc.skip_symbol('-');
                } else if kind == Keyword::TimeZoneName && has_read_number {
                    tz.set(value);
                } else {
                    // Garbage words are illegal once a number has been read, and must be
                    // separated from the first number.
                    if has_read_number || sc.peek().is_number() {
                        return None;
                    }
                }
            }
            t if t.is_sign() && (tz.is_utc() || !time.is_empty()) => {
                tz.sign = t.sign();
                let (mut n, mut len) = (0, 0);
                if let Token::Number { value, len: l } = sc.peek() {
                    sc.next();
                    n = value;
                    len = l;
                }
                has_read_number = true;
                if sc.peek() == Token::Symbol(':') {
                    tz.hour = n;
                    tz.minute = NONE;
                } else if len == 1 || len == 2 {
                    tz.hour = n;
                    tz.minute = 0;
                } else if len == 3 || len == 4 {
                    tz.hour = n / 100;
                    tz.minute = n % 100;
                } else {
                    return None;
                }
            }
            t if (t.is_sign() || t == Token::Symbol(')')) && has_read_number => return None,
            _ => {}
        }
        token = sc.next();
    }
    Some(())
}
