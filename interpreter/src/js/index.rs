//! Argument normalization shared by the array and string methods: relative indices
//! (`slice`, `splice`, `at`, `fill`), search starting points (`indexOf`, `includes`,
//! `lastIndexOf`) and `splice`'s delete count. Arguments are numbers after `ToNumber`
//! (`undefined` is NaN unless the function takes an `Option`).

use super::number::to_integer_or_infinity;

/// A relative position clamped to `0..=len`: negative counts from the end (`slice` start and
/// end, `splice` start, `fill`). NaN is 0.
pub fn relative(arg: f64, len: usize) -> usize {
    let n = to_integer_or_infinity(arg);
    let l = len as f64;
    (if n < 0.0 { (l + n).max(0.0) } else { n.min(l) }) as usize
}

/// An optional end position: `None` (undefined) is `len`, otherwise as [`relative`].
pub fn relative_end(arg: Option<f64>, len: usize) -> usize {
    arg.map_or(len, |a| relative(a, len))
}

/// `at(index)`: the element position, or `None` when out of range.
pub fn at(arg: f64, len: usize) -> Option<usize> {
    let n = to_integer_or_infinity(arg);
    let k = if n >= 0.0 { n } else { len as f64 + n };
    (k >= 0.0 && k < len as f64).then_some(k as usize)
}

/// Where `indexOf` / `includes` start searching (`fromIndex`; NaN is 0): a position in
/// `0..=len`, `len` meaning there is nothing to search.
pub fn search_from(arg: f64, len: usize) -> usize {
    relative(arg, len)
}

/// Where `lastIndexOf` starts searching backwards (`fromIndex`, `None` when not passed), or
/// `None` when there is nothing to search.
pub fn last_search_from(arg: Option<f64>, len: usize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let Some(a) = arg else {
        return Some(len - 1);
    };
    let n = to_integer_or_infinity(a);
    let k = if n >= 0.0 {
        n.min(len as f64 - 1.0)
    } else {
        len as f64 + n
    };
    (k >= 0.0).then_some(k as usize)
}

/// `splice(start, deleteCount)`'s count of removed elements, given the normalized `start`:
/// `None` (not passed) removes everything from `start`; otherwise clamped to
/// `0..=len - start`. (With no arguments at all, `splice()` removes nothing: the caller
/// passes `Some(0.0)` then.)
pub fn splice_delete_count(arg: Option<f64>, start: usize, len: usize) -> usize {
    let room = len.saturating_sub(start);
    match arg {
        None => room,
        Some(a) => to_integer_or_infinity(a).clamp(0.0, room as f64) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn table(name: &str) -> Vec<Value> {
        let all: Value = serde_json::from_str(include_str!("testdata/index.json")).unwrap();
        all[name].as_array().unwrap().clone()
    }

    /// An argument column: a number, `"NaN"`/`"Infinity"`/`"-Infinity"`, or null (undefined).
    fn arg(v: &Value) -> Option<f64> {
        match v {
            Value::Null => None,
            Value::String(s) => Some(s.parse().unwrap()),
            n => Some(n.as_f64().unwrap()),
        }
    }

    fn list(v: &Value) -> Vec<usize> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect()
    }

    /// Rows: `[len, a, b, slice(a, b), splice(a, b) removed, at(a), indexOf per value from a,
    /// lastIndexOf per value from a]` over the array `[0, 1, …, len-1]`.
    #[test]
    fn array_positions_match_node() {
        let rows = table("arrays");
        assert!(rows.len() > 500);
        for r in rows {
            let len = r[0].as_u64().unwrap() as usize;
            let (a, b) = (arg(&r[1]), arg(&r[2]));
            let a_num = a.unwrap_or(f64::NAN);
            let start = relative(a_num, len);
            let end = relative_end(b, len);
            let sliced: Vec<usize> = (start..end.max(start)).collect();
            assert_eq!(sliced, list(&r[3]), "slice {r}");
            let count = splice_delete_count(b, start, len);
            let removed: Vec<usize> = (start..start + count).collect();
            assert_eq!(removed, list(&r[4]), "splice {r}");
            assert_eq!(at(a_num, len), r[5].as_u64().map(|v| v as usize), "at {r}");
            let from = search_from(a_num, len);
            let index_of: Vec<i64> = (0..len)
                .map(|v| if v >= from { v as i64 } else { -1 })
                .collect();
            let want: Vec<i64> = r[6]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect();
            assert_eq!(index_of, want, "indexOf {r}");
            let last = last_search_from(a, len);
            let last_index_of: Vec<i64> = (0..len)
                .map(|v| match last {
                    Some(k) if v <= k => v as i64,
                    _ => -1,
                })
                .collect();
            let want: Vec<i64> = r[7]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_i64().unwrap())
                .collect();
            assert_eq!(last_index_of, want, "lastIndexOf {r}");
        }
    }
}
