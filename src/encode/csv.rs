//! The trajectories as CSV: `run,label,step,x,y,loss`, one row per run per step.
//!
//! Floats are written with the shortest digits that read back as the same f64 (Rust's
//! round-trip formatting), with or without an exponent, whichever is shorter: a run that
//! converges writes `1.8e-169`, not 170 digits, so a row stays short at any step count. A 1-D
//! scene's `y` is empty: a curve has no y, and one file layout serves both (the loss is f(x)).

use std::fmt::Write;

use crate::surface::Dims;
use crate::trajectory::{Run, Trajectory};

/// The CSV header, exactly.
pub const HEADER: &str = "run,label,step,x,y,loss";

/// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Writes `v` as the CSV writes a float: the shortest decimal digits that parse back to exactly
/// `v`, in plain form (`0.05`, `12345`) or with an exponent as Rust's `{:e}` writes it
/// (`1.8e-169`, `1e22`), whichever is shorter; the plain form on a tie. Both forms carry the same
/// digits, so parsing either (Rust, pandas, numpy, JavaScript) gives `v` back.
pub fn write_number(out: &mut String, v: f64) {
    if !v.is_finite() {
        let _ = write!(out, "{v}");
        return;
    }
    let start = out.len();
    let _ = write!(out, "{v:e}");
    // `[-]D[.DDD]eX`: the sign, the digits and the decimal exponent of the first digit.
    let text = &out[start..];
    let negative = text.starts_with('-');
    let Some(e_at) = text.find('e') else {
        return;
    };
    let exponent: i64 = text[e_at + 1..].parse().unwrap_or(0);
    let mut digits = [0u8; 24];
    let mut n = 0;
    for &b in &text.as_bytes()[usize::from(negative)..e_at] {
        if b != b'.' {
            digits[n] = b;
            n += 1;
        }
    }
    let digits = &digits[..n];
    let exp_len = text.len() - usize::from(negative);
    let plain_len = if exponent < 0 {
        // 0.000DDD
        2 + (-exponent - 1) as usize + n
    } else if (exponent as usize) < n - 1 {
        // DD.DDD
        n + 1
    } else {
        // DDD000
        exponent as usize + 1
    };
    if plain_len > exp_len {
        return;
    }
    out.truncate(start + usize::from(negative));
    if exponent < 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-exponent - 1) as usize));
        out.extend(digits.iter().map(|&d| char::from(d)));
    } else {
        let whole = exponent as usize + 1;
        for (k, &d) in digits.iter().enumerate() {
            if k == whole {
                out.push('.');
            }
            out.push(char::from(d));
        }
        out.extend(std::iter::repeat_n('0', whole.saturating_sub(n)));
    }
}

/// `v` as [`write_number`] writes it.
pub fn number(v: f64) -> String {
    let mut s = String::new();
    write_number(&mut s, v);
    s
}

/// Encodes every run's trajectory, in run order; `y` left empty on a curve.
pub fn encode(runs: &[Run], trajectories: &[Trajectory], dims: Dims) -> Vec<u8> {
    let mut out = String::with_capacity(
        64 * trajectories
            .iter()
            .map(|t| t.positions.len())
            .sum::<usize>(),
    );
    out.push_str(HEADER);
    out.push('\n');
    for (run, traj) in runs.iter().zip(trajectories) {
        let label = field(&run.label);
        for (step, (p, loss)) in traj.positions.iter().zip(&traj.losses).enumerate() {
            let _ = write!(out, "{},{label},{step},", run.index);
            write_number(&mut out, p[0]);
            out.push(',');
            if dims == Dims::Two {
                write_number(&mut out, p[1]);
            }
            out.push(',');
            write_number(&mut out, *loss);
            out.push('\n');
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimizer::gd;

    #[test]
    fn quotes_labels_and_round_trips_floats() {
        let run = Run::new(0, "GD, \"fast\"", gd::new(0.1), [0.1, 0.2]);
        let traj = Trajectory {
            positions: vec![[0.1, 0.2], [1.0 / 3.0, -2e-300]],
            losses: vec![0.05, 1e300],
            gradient_points: vec![[0.1, 0.2]],
            lrs: vec![0.1],
            diverged: None,
        };
        let text = String::from_utf8(encode(
            std::slice::from_ref(&run),
            std::slice::from_ref(&traj),
            Dims::Two,
        ))
        .unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert!(
            lines[1].starts_with("0,\"GD, \"\"fast\"\"\",0,0.1,0.2,0.05"),
            "{}",
            lines[1]
        );
        let last: Vec<&str> = lines[2].rsplitn(4, ',').collect();
        assert_eq!(last[2].parse::<f64>().unwrap(), 1.0 / 3.0);
        assert_eq!(last[1].parse::<f64>().unwrap(), -2e-300);
        assert_eq!(last[0].parse::<f64>().unwrap(), 1e300);
        assert_eq!(
            lines[2],
            "0,\"GD, \"\"fast\"\"\",1,0.3333333333333333,-2e-300,1e300"
        );
        // On a curve the y field is there, empty.
        let text = String::from_utf8(encode(&[run], &[traj], Dims::One)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert!(lines[1].ends_with(",0,0.1,,0.05"), "{}", lines[1]);
    }

    #[test]
    fn numbers_take_the_shorter_form_and_read_back_exactly() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (0.05, "0.05"),
            (0.0012, "0.0012"),
            (0.001, "1e-3"),
            (0.00012, "1.2e-4"),
            (-2.5, "-2.5"),
            (12345.0, "12345"),
            (100.0, "100"),
            (1000.0, "1e3"),
            (1000000.0, "1e6"),
            (1234567.0, "1234567"),
            (1.8e-169, "1.8e-169"),
            (-4.888258763303916e-24, "-4.888258763303916e-24"),
            (1e22, "1e22"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::from_bits(1), "5e-324"),
        ];
        for (v, text) in cases {
            assert_eq!(number(v), text, "{v:e}");
        }
        // Every magnitude: each written form parses back to the same bits, is no longer than
        // either of Rust's own forms, and carries the same digits as they do.
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..200_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let v = f64::from_bits(x);
            if !v.is_finite() {
                continue;
            }
            let s = number(v);
            assert_eq!(s.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{s}");
            let (plain, exp) = (v.to_string(), format!("{v:e}"));
            assert!(s.len() <= plain.len().min(exp.len()), "{s} for {exp}");
            assert!(s == plain || s == exp, "{s}: neither {plain} nor {exp}");
        }
    }
}
