//! `newton`: Newton's method, θ ← θ − lr·(H + damping·I)⁻¹∇f with the surface's exact Hessian.
//!
//! On a quadratic one full step (lr = 1) lands on the stationary point, whatever it is: the
//! minimum of a bowl, or the saddle of x² − y², which is the teaching point: Newton's step
//! solves ∇f = 0, it does not look for low ground. A Hessian it cannot invert ends the run.

use crate::keys::{Absent, Key, Range};
use crate::surface::{Dims, Point};

use super::{Form, Memory, Optimizer, OptimizerKind, Oracle, StepError, StepInfo, MAX_KEYS};

pub const KIND: OptimizerKind = OptimizerKind {
    name: "newton",
    title: "Newton",
    doc: "Newton's method: the step that would land on the stationary point of the local \
          quadratic model.",
    forms: &[Form {
        name: "",
        doc: "exact Hessian",
        rule: "θ ← θ − lr·(H + damping·I)⁻¹·g, H the exact Hessian at θ; a singular H ends the run",
        step,
    }],
    keys: &[LR, DAMPING],
    theory: None,
};

/// Newton's learning rate: 1 is the full Newton step.
const LR: Key = Key::sweepable(
    "lr",
    "learning rate",
    "The fraction of the Newton step taken (1: the full step).",
    Range::above(0.0),
    Absent::Number(1.0),
);

const DAMPING: Key = Key::sweepable(
    "damping",
    "damping",
    "Added to the Hessian's diagonal (Levenberg's damping): larger values take shorter, more \
     gradient-like steps.",
    Range::at_least(0.0),
    Absent::Number(0.0),
)
.named_when_set();

/// How small |det H| may be, relative to the square of H's largest entry, before H counts as
/// singular: a condition number beyond about 10¹², where H⁻¹∇f is rounding noise.
pub const SINGULAR: f64 = 1e-12;

/// Newton's method.
pub fn new(lr: f64, damping: f64) -> Optimizer {
    Optimizer::new(&KIND, "", &[lr, damping])
}

fn step(
    &[lr, damping, ..]: &[f64; MAX_KEYS],
    _: &mut Memory,
    theta: Point,
    oracle: &mut dyn Oracle,
) -> Result<StepInfo, StepError> {
    let g = oracle.gradient(theta);
    let [[a, b], [c, d]] = oracle.hessian(theta);
    if oracle.dims() == Dims::One {
        // A curve: x alone, θ ← θ − lr·f'/(f'' + damping). A 1×1 matrix is as well conditioned
        // as it gets; it is singular only at 0.
        let h = a + damping;
        if !h.is_finite() || h == 0.0 {
            return Err(StepError::SingularHessian);
        }
        return Ok(StepInfo {
            position: [theta[0] - lr * (g[0] / h), theta[1]],
            gradient_at: theta,
            gradient: g,
        });
    }
    let (a, d) = (a + damping, d + damping);
    let det = a * d - b * c;
    let scale = a.abs().max(b.abs()).max(c.abs()).max(d.abs());
    if !(det.is_finite() && scale.is_finite()) || det.abs() <= SINGULAR * scale * scale {
        return Err(StepError::SingularHessian);
    }
    // H⁻¹g by the 2×2 inverse, [[d, −b], [−c, a]]/det.
    let step = [(d * g[0] - b * g[1]) / det, (a * g[1] - c * g[0]) / det];
    Ok(StepInfo {
        position: [theta[0] - lr * step[0], theta[1] - lr * step[1]],
        gradient_at: theta,
        gradient: g,
    })
}
