//! The trajectories as CSV: `run,label,step,x,y,loss`, one row per run per step.
//!
//! Floats are written with Rust's shortest round-trip formatting, so parsing a value back gives
//! the exact f64 that was computed. A 1-D scene's `y` is empty: a curve has no y, and one file
//! layout serves both (the loss is f(x)).

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
            let _ = match dims {
                Dims::Two => writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    run.index, label, step, p[0], p[1], loss
                ),
                Dims::One => writeln!(out, "{},{},{},{},,{}", run.index, label, step, p[0], loss),
            };
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
        // On a curve the y field is there, empty.
        let text = String::from_utf8(encode(&[run], &[traj], Dims::One)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], HEADER);
        assert!(lines[1].ends_with(",0,0.1,,0.05"), "{}", lines[1]);
    }
}
