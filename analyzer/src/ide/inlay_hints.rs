//! Inlay hints: a duration given as a plain number of seconds is shown in readable units
//! (`Timer.delay(7200)` shows `= 2h`; `{ timeout: 90 }` shows `= 1m30s`).

use rhythm_syntax::{TextRange, TextSize};

use crate::Analysis;
use crate::catalog;
use crate::ide::infer::Types;
use crate::ir::{Expr, ExprId, Literal, Module, ObjectMember, PropKey, Resolution};

/// A hint shown after some code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (the end of the number).
    pub offset: TextSize,
    /// The hint's text.
    pub label: String,
    /// A tooltip.
    pub tooltip: String,
}

/// Duration hints for the numbers inside `range`.
pub fn inlay_hints(analysis: &Analysis, range: TextRange) -> Vec<InlayHint> {
    let module = &analysis.module;
    let types = Types::new(module);
    let mut hints = Vec::new();
    for (i, expr) in module.exprs.iter().enumerate() {
        let Expr::Call { callee, args, .. } = expr else {
            continue;
        };
        if module.expr_ranges[i].intersect(range).is_none() {
            continue;
        }
        let Some(params) = callee_params(module, &types, *callee) else {
            continue;
        };
        for (param, arg) in params.iter().zip(args) {
            if arg.spread {
                break;
            }
            if param.ty == "Duration" {
                push_hint(module, arg.expr, &mut hints);
            } else if param.ty.contains("timeout")
                && let Some(Expr::Object(members)) = module.exprs.get(arg.expr.index())
            {
                for m in members {
                    if let ObjectMember::Property {
                        key: PropKey::Static(k),
                        value,
                    } = m
                        && k == "timeout"
                    {
                        push_hint(module, *value, &mut hints);
                    }
                }
            }
        }
    }
    hints.retain(|h| range.contains_inclusive(h.offset));
    hints.sort_by_key(|h| h.offset);
    hints
}

fn callee_params(
    module: &Module,
    types: &Types<'_>,
    callee: ExprId,
) -> Option<&'static [catalog::Param]> {
    match module.exprs.get(callee.index())? {
        Expr::Member {
            object, property, ..
        } => {
            let is_global = matches!(
                module.exprs.get(object.index()),
                Some(Expr::Name(n)) if matches!(n.resolution, Resolution::Global(_))
            );
            if !is_global {
                return None;
            }
            Some(types.member_of(*object, property)?.params)
        }
        _ => None,
    }
}

fn push_hint(module: &Module, expr: ExprId, hints: &mut Vec<InlayHint>) {
    if let Some(Expr::Literal(Literal::Number(n))) = module.exprs.get(expr.index())
        && let Some(label) = format_seconds(*n)
    {
        hints.push(InlayHint {
            offset: module.expr_range(expr).end(),
            label: format!("= {label}"),
            tooltip: format!("{n} seconds"),
        });
    }
}

/// Seconds as a duration string (`7200` → `2h`, `90` → `1m30s`, `0.5` → `500ms`); `None`
/// for negative, non-finite or sub-millisecond values.
pub fn format_seconds(seconds: f64) -> Option<String> {
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 1e12 {
        return None;
    }
    let ms_total = (seconds * 1000.0).round();
    if (ms_total - seconds * 1000.0).abs() > 1e-6 || ms_total < 1.0 {
        return None;
    }
    let mut ms = ms_total as u64;
    let mut out = String::new();
    for (unit, size) in [
        ("d", 86_400_000),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1000),
    ] {
        if ms >= size {
            out.push_str(&format!("{}{unit}", ms / size));
            ms %= size;
        }
    }
    if ms > 0 {
        out.push_str(&format!("{ms}ms"));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::format_seconds;

    #[test]
    fn formats_durations() {
        assert_eq!(format_seconds(7200.0).as_deref(), Some("2h"));
        assert_eq!(format_seconds(90.0).as_deref(), Some("1m30s"));
        assert_eq!(format_seconds(0.5).as_deref(), Some("500ms"));
        assert_eq!(format_seconds(604_800.0).as_deref(), Some("7d"));
        assert_eq!(format_seconds(5400.25).as_deref(), Some("1h30m250ms"));
        assert_eq!(format_seconds(0.0), None);
        assert_eq!(format_seconds(-3.0), None);
        assert_eq!(format_seconds(f64::NAN), None);
        assert_eq!(format_seconds(0.0001), None);
    }
}
