//! Integration tests of the optimizer update rules, learning-rate schedules, minibatches and
//! trajectory simulation.
//!
//! Every expected value is derived independently of the code under test: by hand-unrolled
//! scalar formulas (the surfaces used are separable, so each coordinate is a 1-D problem with its
//! own curvature), by closed forms on quadratics (companion-matrix powers, characteristic roots,
//! one Newton step, geometric decay), by torch's closed forms transcribed from its Python, or by
//! algebraic identities between conventions. `tests/torch_transcription.rs` compares the rules
//! with a line-by-line transcription of torch's optimizers over long runs.

use inertia::expr::Expr;
use inertia::minibatch::Minibatch;
use inertia::noise::GaussianNoise;
use inertia::optimizer::*;
use inertia::schedule::Schedule;
use inertia::surface::*;
use inertia::trajectory::*;

const LR: f64 = 0.05;
const BETA: f64 = 0.9;
const START: Point = [2.5, -2.0];
/// Curvatures of f = ½(x² + 10y²) along x and y.
const LAMBDA: [f64; 2] = [1.0, 10.0];

fn quad(a: f64, b: f64) -> Surface {
    Surface::new(
        &quadratic::KIND,
        quadratic::Quadratic {
            a,
            b,
            angle: 0.0,
            center: [0.0, 0.0],
        },
    )
}

fn rosenbrock() -> Surface {
    Surface::new(
        &rosenbrock::KIND,
        rosenbrock::Rosenbrock { a: 1.0, b: 100.0 },
    )
}

fn saddle() -> Surface {
    Surface::new(&saddle::KIND, saddle::Saddle)
}

/// A window so large that no test run in this file leaves it by accident.
fn huge_window() -> Window {
    Window::new((-1e6, 1e6), (-1e6, 1e6))
}

fn run(optimizer: Optimizer, start: Point) -> Run {
    Run::new(0, "", optimizer, start)
}

fn sim(optimizer: Optimizer, surface: &Surface, start: Point, steps: usize) -> Trajectory {
    let t = simulate(&run(optimizer, start), surface, &huge_window(), steps);
    assert_eq!(
        t.diverged, None,
        "{optimizer:?} unexpectedly stopped: {t:?}"
    );
    assert_eq!(t.positions.len(), steps + 1);
    assert_eq!(t.losses.len(), steps + 1);
    assert_eq!(t.gradient_points.len(), steps);
    t
}

#[track_caller]
fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol * expected.abs().max(1.0),
        "{what}: got {actual:e}, expected {expected:e} (diff {:e})",
        (actual - expected).abs()
    );
}

/// Checks `traj.positions[1..]` coordinate by coordinate against `expected(w0, λ)`, and optionally
/// against decimals worked out by hand on paper.
#[track_caller]
fn check_hand_steps(
    name: &str,
    optimizer: Optimizer,
    expected: impl Fn(f64, f64) -> Vec<f64>,
    hand: Option<[[f64; 2]; 3]>,
) {
    let surface = quad(LAMBDA[0], LAMBDA[1]);
    let traj = sim(optimizer, &surface, START, 3);
    assert_eq!(traj.positions[0], START);
    for i in 0..2 {
        let want = expected(START[i], LAMBDA[i]);
        assert_eq!(want.len(), 3);
        for (k, w) in want.iter().enumerate() {
            assert_close(
                traj.positions[k + 1][i],
                *w,
                1e-12,
                &format!("{name}: step {} coordinate {i}", k + 1),
            );
            if let Some(hand) = hand {
                assert_close(
                    traj.positions[k + 1][i],
                    hand[k][i],
                    1e-12,
                    &format!("{name}: step {} coordinate {i} (hand decimals)", k + 1),
                );
            }
        }
    }
    // The loss recorded is f at the recorded position.
    for (p, l) in traj.positions.iter().zip(&traj.losses) {
        let f = 0.5 * (p[0] * p[0] + 10.0 * p[1] * p[1]);
        assert_close(*l, f, 1e-14, &format!("{name}: loss at {p:?}"));
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Hand-worked steps on f = ½(x² + 10y²) from (2.5, −2), lr 0.05, β 0.9.
// ---------------------------------------------------------------------------------------------

#[test]
fn hand_steps_gd() {
    // θ ← θ − lr·λ·θ per coordinate.
    check_hand_steps(
        "gd",
        gd::new(LR),
        |w0, l| {
            let w1 = w0 - LR * l * w0;
            let w2 = w1 - LR * l * w1;
            let w3 = w2 - LR * l * w2;
            vec![w1, w2, w3]
        },
        Some([[2.375, -1.0], [2.25625, -0.5], [2.1434375, -0.25]]),
    );
}

/// Heavy ball, written out once for the PyTorch form (buf₁ = g₀).
fn heavy_ball_pytorch_hand(w0: f64, l: f64) -> Vec<f64> {
    let g0 = l * w0;
    let buf1 = g0;
    let w1 = w0 - LR * buf1;
    let g1 = l * w1;
    let buf2 = BETA * buf1 + g1;
    let w2 = w1 - LR * buf2;
    let g2 = l * w2;
    let buf3 = BETA * buf2 + g2;
    let w3 = w2 - LR * buf3;
    vec![w1, w2, w3]
}

#[test]
fn hand_steps_momentum_pytorch() {
    check_hand_steps(
        "momentum/pytorch",
        momentum::pytorch(LR, BETA, 0.0),
        heavy_ball_pytorch_hand,
        // x: buf 2.5, 4.625, 6.30625; y: buf −20, −28, −21.2.
        Some([[2.375, -1.0], [2.14375, 0.4], [1.8284375, 1.46]]),
    );
}

#[test]
fn hand_steps_momentum_ema() {
    check_hand_steps(
        "momentum/ema",
        momentum::ema(LR, BETA),
        |w0, l| {
            let v1 = (1.0 - BETA) * (l * w0);
            let w1 = w0 - LR * v1;
            let v2 = BETA * v1 + (1.0 - BETA) * (l * w1);
            let w2 = w1 - LR * v2;
            let v3 = BETA * v2 + (1.0 - BETA) * (l * w2);
            let w3 = w2 - LR * v3;
            vec![w1, w2, w3]
        },
        // x: v 0.25, 0.47375, 0.67275625; y: v −2, −3.7, −5.045.
        Some([
            [2.4875, -1.9],
            [2.4638125, -1.715],
            [2.4301746875, -1.46275],
        ]),
    );
}

#[test]
fn hand_steps_momentum_velocity() {
    check_hand_steps(
        "momentum/velocity",
        momentum::velocity(LR, BETA),
        |w0, l| {
            let v1 = -LR * (l * w0);
            let w1 = w0 + v1;
            let v2 = BETA * v1 - LR * (l * w1);
            let w2 = w1 + v2;
            let v3 = BETA * v2 - LR * (l * w2);
            let w3 = w2 + v3;
            vec![w1, w2, w3]
        },
        // Same numbers as the PyTorch form (v = −lr·buf): x: v −0.125, −0.23125, −0.3153125.
        Some([[2.375, -1.0], [2.14375, 0.4], [1.8284375, 1.46]]),
    );
}

#[test]
fn hand_steps_nesterov_pytorch() {
    check_hand_steps(
        "nesterov/pytorch",
        nesterov::pytorch(LR, BETA),
        |w0, l| {
            let g0 = l * w0;
            let buf1 = g0;
            let w1 = w0 - LR * (g0 + BETA * buf1);
            let g1 = l * w1;
            let buf2 = BETA * buf1 + g1;
            let w2 = w1 - LR * (g1 + BETA * buf2);
            let g2 = l * w2;
            let buf3 = BETA * buf2 + g2;
            let w3 = w2 - LR * (g2 + BETA * buf3);
            vec![w1, w2, w3]
        },
        // y: update −38, −18.1, −0.095; x: update 4.75, 6.32375, 7.35311875.
        Some([[2.2625, -0.1], [1.9463125, 0.805], [1.5786565625, 0.80975]]),
    );
}

#[test]
fn hand_steps_nesterov_lookahead() {
    let opt = nesterov::lookahead(LR, BETA);
    check_hand_steps(
        "nesterov/lookahead",
        opt,
        |w0, l| {
            let v0 = 0.0;
            let a0 = w0 + BETA * v0;
            let v1 = BETA * v0 - LR * (l * a0);
            let w1 = w0 + v1;
            let a1 = w1 + BETA * v1;
            let v2 = BETA * v1 - LR * (l * a1);
            let w2 = w1 + v2;
            let a2 = w2 + BETA * v2;
            let v3 = BETA * v2 - LR * (l * a2);
            let w3 = w2 + v3;
            vec![w1, w2, w3]
        },
        // y: v 1, 0.95, 0.4525; x: v −0.125, −0.225625, −0.300378125.
        Some([[2.375, -1.0], [2.149375, -0.05], [1.848996875, 0.4025]]),
    );
    // The gradient is taken at the look-ahead points θ + β·v, worked out by hand.
    let traj = sim(opt, &quad(1.0, 10.0), START, 3);
    let expected_at = [[2.5, -2.0], [2.2625, -0.1], [1.9463125, 0.805]];
    for (k, (got, want)) in traj.gradient_points.iter().zip(expected_at).enumerate() {
        for i in 0..2 {
            assert_close(got[i], want[i], 1e-12, &format!("look-ahead point {k}/{i}"));
        }
    }
}

#[test]
fn hand_steps_adagrad() {
    let eps = 1e-10;
    check_hand_steps(
        "adagrad",
        adagrad::new(LR, 0.0, eps),
        |w0, l| {
            let g0 = l * w0;
            let s1 = g0 * g0;
            let w1 = w0 - LR * g0 / (s1.sqrt() + eps);
            let g1 = l * w1;
            let s2 = s1 + g1 * g1;
            let w2 = w1 - LR * g1 / (s2.sqrt() + eps);
            let g2 = l * w2;
            let s3 = s2 + g2 * g2;
            let w3 = w2 - LR * g2 / (s3.sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
    // Step 1 is ≈ −lr·sign(g): (2.45, −1.95) up to eps.
    let t = sim(adagrad::new(LR, 0.0, eps), &quad(1.0, 10.0), START, 1);
    assert!((t.positions[1][0] - 2.45).abs() < 1e-9);
    assert!((t.positions[1][1] + 1.95).abs() < 1e-9);
}

#[test]
fn adagrad_lr_decay_divides_the_rate_by_one_plus_t_minus_one_decay() {
    let (eps, decay) = (1e-10, 0.5);
    check_hand_steps(
        "adagrad lr_decay",
        adagrad::new(LR, decay, eps),
        |w0, l| {
            let g0 = l * w0;
            let s1 = g0 * g0;
            let w1 = w0 - LR / 1.0 * g0 / (s1.sqrt() + eps);
            let g1 = l * w1;
            let s2 = s1 + g1 * g1;
            let w2 = w1 - LR / (1.0 + decay) * g1 / (s2.sqrt() + eps);
            let g2 = l * w2;
            let s3 = s2 + g2 * g2;
            let w3 = w2 - LR / (1.0 + 2.0 * decay) * g2 / (s3.sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
}

#[test]
fn hand_steps_rmsprop() {
    let (alpha, eps) = (0.99, 1e-8);
    check_hand_steps(
        "rmsprop",
        rmsprop::new(LR, alpha, eps),
        |w0, l| {
            let g0 = l * w0;
            let v1 = (1.0 - alpha) * g0 * g0;
            let w1 = w0 - LR * g0 / (v1.sqrt() + eps);
            let g1 = l * w1;
            let v2 = alpha * v1 + (1.0 - alpha) * g1 * g1;
            let w2 = w1 - LR * g1 / (v2.sqrt() + eps);
            let g2 = l * w2;
            let v3 = alpha * v2 + (1.0 - alpha) * g2 * g2;
            let w3 = w2 - LR * g2 / (v3.sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
    // Step 1: √v = 0.1·|g|, so the step is ≈ −10·lr·sign(g) = ∓0.5: (2.0, −1.5).
    let t = sim(rmsprop::new(LR, alpha, eps), &quad(1.0, 10.0), START, 1);
    assert!((t.positions[1][0] - 2.0).abs() < 1e-7);
    assert!((t.positions[1][1] + 1.5).abs() < 1e-7);
}

#[test]
fn hand_steps_adam() {
    let (b1, b2, eps) = (0.9, 0.999, 1e-8);
    check_hand_steps(
        "adam",
        adam::new(LR, b1, b2, eps),
        |w0, l| {
            // m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); θ ← θ − lr·m̂/(√v̂ + eps).
            let g0 = l * w0;
            let m1 = (1.0 - b1) * g0;
            let v1 = (1.0 - b2) * g0 * g0;
            let w1 = w0 - LR * (m1 / (1.0 - b1)) / ((v1 / (1.0 - b2)).sqrt() + eps);
            let g1 = l * w1;
            let m2 = b1 * m1 + (1.0 - b1) * g1;
            let v2 = b2 * v1 + (1.0 - b2) * g1 * g1;
            let w2 = w1 - LR * (m2 / (1.0 - b1 * b1)) / ((v2 / (1.0 - b2 * b2)).sqrt() + eps);
            let g2 = l * w2;
            let m3 = b1 * m2 + (1.0 - b1) * g2;
            let v3 = b2 * v2 + (1.0 - b2) * g2 * g2;
            let w3 =
                w2 - LR * (m3 / (1.0 - b1 * b1 * b1)) / ((v3 / (1.0 - b2 * b2 * b2)).sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Closed forms on quadratics.
// ---------------------------------------------------------------------------------------------

type Mat = [[f64; 2]; 2];

fn mat_mul(a: &Mat, b: &Mat) -> Mat {
    let mut c = [[0.0; 2]; 2];
    for i in 0..2 {
        for j in 0..2 {
            c[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j];
        }
    }
    c
}

/// w_t for t = 0..=n from [w_t, w_{t−1}]ᵀ = Mᵗ·[w_0, w_{−1}]ᵀ with w_{−1} = w_0 (zero velocity).
fn companion_sequence(m: Mat, w0: f64, n: usize) -> Vec<f64> {
    let mut p: Mat = [[1.0, 0.0], [0.0, 1.0]];
    let mut out = Vec::with_capacity(n + 1);
    for _ in 0..=n {
        out.push(p[0][0] * w0 + p[0][1] * w0);
        p = mat_mul(&m, &p);
    }
    out
}

/// Runs `optimizer` along x on ½(λx² + y²) from (w0, 0), and returns the x coordinates, checking
/// that y stays exactly 0.
fn one_d(optimizer: Optimizer, lambda: f64, w0: f64, n: usize) -> Vec<f64> {
    let t = sim(optimizer, &quad(lambda, 1.0), [w0, 0.0], n);
    assert!(t.positions.iter().all(|p| p[1] == 0.0), "{t:?}");
    t.positions.iter().map(|p| p[0]).collect()
}

#[test]
fn gd_is_a_geometric_sequence_on_a_quadratic() {
    for (lr, lambda, w0) in [
        (0.05, 1.0, 2.5),
        (0.05, 3.7, -1.25),
        (0.05, 10.0, 3.0),
        (0.05, 30.0, 0.75), // 1 − lr·λ = −0.5: oscillates but converges
        (0.01, 7.0, -2.0),
    ] {
        let xs = one_d(gd::new(lr), lambda, w0, 50);
        let r = 1.0 - lr * lambda;
        for (t, x) in xs.iter().enumerate() {
            let want = r.powi(t as i32) * w0;
            assert!(
                (x - want).abs() <= 1e-12 * want.abs(),
                "gd lr {lr} λ {lambda}: step {t}: {x:e} vs {want:e}"
            );
        }
    }
}

#[test]
fn heavy_ball_velocity_matches_companion_matrix_power() {
    for (lr, beta, lambda, w0) in [
        (0.05, 0.9, 1.0, 2.5),
        (0.05, 0.9, 10.0, -2.0),
        (0.02, 0.5, 4.0, 1.5),
        (0.1, 0.1, 1.0, -3.0),
        (0.05, 0.99, 30.0, 1.0),
    ] {
        let opt = momentum::velocity(lr, beta);
        let xs = one_d(opt, lambda, w0, 50);
        // w_{t+1} = (1 − lr·λ + β)·w_t − β·w_{t−1}.
        let m = [[1.0 + beta - lr * lambda, -beta], [1.0, 0.0]];
        let want = companion_sequence(m, w0, 50);
        assert_close(xs[1], (1.0 - lr * lambda) * w0, 1e-14, "w_1");
        for t in 0..=50 {
            assert!(
                (xs[t] - want[t]).abs() <= 1e-12 * w0.abs(),
                "heavy ball lr {lr} β {beta} λ {lambda}: step {t}: {:e} vs {:e}",
                xs[t],
                want[t]
            );
        }
        // The three-term recurrence itself, step by step.
        for t in 1..50 {
            let rhs = (1.0 + beta - lr * lambda) * xs[t] - beta * xs[t - 1];
            assert!(
                (xs[t + 1] - rhs).abs() <= 1e-13 * w0.abs(),
                "recurrence at {t}"
            );
        }
    }
}

#[test]
fn pytorch_momentum_satisfies_the_same_heavy_ball_recurrence() {
    let (lr, beta, lambda, w0) = (0.05, 0.9, 10.0, -2.0);
    let opt = momentum::pytorch(lr, beta, 0.0);
    let xs = one_d(opt, lambda, w0, 50);
    let want = companion_sequence([[1.0 + beta - lr * lambda, -beta], [1.0, 0.0]], w0, 50);
    for t in 0..=50 {
        assert!((xs[t] - want[t]).abs() <= 1e-12 * w0.abs(), "step {t}");
    }
}

#[test]
fn heavy_ball_with_real_roots_matches_the_root_formula() {
    // (1 + β − lr·λ)² = 1 > 4β = 0.4: two real distinct roots.
    let (lr, beta, lambda, w0): (f64, f64, f64, f64) = (0.1, 0.1, 1.0, 2.5);
    let c = 1.0 + beta - lr * lambda;
    let disc = c * c - 4.0 * beta;
    assert!(disc > 0.0);
    let r1 = (c + disc.sqrt()) / 2.0;
    let r2 = (c - disc.sqrt()) / 2.0;
    let w1 = (1.0 - lr * lambda) * w0;
    // w_0 = c1 + c2, w_1 = c1·r1 + c2·r2.
    let c1 = (w1 - r2 * w0) / (r1 - r2);
    let c2 = (r1 * w0 - w1) / (r1 - r2);
    let opt = momentum::velocity(lr, beta);
    let xs = one_d(opt, lambda, w0, 50);
    for (t, x) in xs.iter().enumerate() {
        let want = c1 * r1.powi(t as i32) + c2 * r2.powi(t as i32);
        assert!(
            (x - want).abs() <= 1e-12 * w0.abs(),
            "step {t}: {x:e} vs {want:e}"
        );
    }
    // And it really is monotone (no oscillation) with real positive roots.
    assert!(r1 > 0.0 && r2 > 0.0);
    assert!(xs.windows(2).all(|w| w[1] < w[0] && w[1] > 0.0));
}

#[test]
fn nesterov_lookahead_matches_its_companion_matrix_power() {
    for (lr, beta, lambda, w0) in [
        (0.05, 0.9, 1.0, 2.5),
        (0.05, 0.9, 10.0, -2.0),
        (0.02, 0.5, 4.0, 1.5),
        (0.1, 0.3, 1.0, -3.0),
    ] {
        let opt = nesterov::lookahead(lr, beta);
        let xs = one_d(opt, lambda, w0, 50);
        // w_{t+1} = (1 − lr·λ)·((1 + β)·w_t − β·w_{t−1}).
        let q = 1.0 - lr * lambda;
        let m = [[(1.0 + beta) * q, -beta * q], [1.0, 0.0]];
        let want = companion_sequence(m, w0, 50);
        assert_close(xs[1], q * w0, 1e-14, "w_1");
        for t in 0..=50 {
            assert!(
                (xs[t] - want[t]).abs() <= 1e-12 * w0.abs(),
                "nesterov lr {lr} β {beta} λ {lambda}: step {t}: {:e} vs {:e}",
                xs[t],
                want[t]
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. PyTorch's first-step rule with dampening.
// ---------------------------------------------------------------------------------------------

#[test]
fn pytorch_first_momentum_step_ignores_dampening() {
    let surface = rosenbrock();
    let start = [-1.2, 1.0];
    let (lr, beta, damp) = (1e-3, 0.9, 0.5);
    let opt = momentum::pytorch(lr, beta, damp);
    let t = sim(opt, &surface, start, 3);
    let gd = sim(gd::new(lr), &surface, start, 1);
    // Step 1: buf = g, so the step is GD's, not θ − lr·(1 − dampening)·g.
    let g0 = surface.gradient(start);
    for i in 0..2 {
        assert_close(t.positions[1][i], gd.positions[1][i], 1e-15, "step 1 = gd");
        assert_close(t.positions[1][i], start[i] - lr * g0[i], 1e-15, "step 1");
        let damped = start[i] - lr * (1.0 - damp) * g0[i];
        assert!(
            (t.positions[1][i] - damped).abs() > 1e-6,
            "step 1 was damped"
        );
    }
    // Step 2: buf = β·g₀ + (1 − dampening)·g₁; step 3 likewise.
    let g1 = surface.gradient(t.positions[1]);
    let buf2 = [
        beta * g0[0] + (1.0 - damp) * g1[0],
        beta * g0[1] + (1.0 - damp) * g1[1],
    ];
    let g2 = surface.gradient(t.positions[2]);
    for i in 0..2 {
        let w2 = t.positions[1][i] - lr * buf2[i];
        assert_close(t.positions[2][i], w2, 1e-14, "step 2");
        let buf3 = beta * buf2[i] + (1.0 - damp) * g2[i];
        assert_close(
            t.positions[3][i],
            t.positions[2][i] - lr * buf3,
            1e-14,
            "step 3",
        );
    }
}

#[test]
fn pytorch_momentum_state_holds_the_buffer() {
    let (lr, beta, damp) = (0.05, 0.9, 0.5);
    let mut s = OptimizerState::new(momentum::pytorch(lr, beta, damp));
    let g0 = [3.0, -4.0];
    let g1 = [1.0, 2.0];
    let info = s.step([0.0, 0.0], |_| g0).unwrap();
    assert_eq!(info.gradient, g0);
    assert_eq!(info.gradient_at, [0.0, 0.0]);
    assert_eq!(s.velocity(), g0, "first buffer is g itself");
    s.step(info.position, |_| g1).unwrap();
    let want = [
        beta * g0[0] + (1.0 - damp) * g1[0],
        beta * g0[1] + (1.0 - damp) * g1[1],
    ];
    assert_close(s.velocity()[0], want[0], 1e-15, "buf x");
    assert_close(s.velocity()[1], want[1], 1e-15, "buf y");
}

// ---------------------------------------------------------------------------------------------
// 4. Equivalences between conventions.
// ---------------------------------------------------------------------------------------------

const ROSEN_START: Point = [-1.2, 1.0];

#[track_caller]
fn assert_paths_agree(a: &[Point], b: &[Point], tol: f64, what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (k, (p, q)) in a.iter().zip(b).enumerate() {
        for i in 0..2 {
            assert_close(p[i], q[i], tol, &format!("{what}: step {k} coordinate {i}"));
        }
    }
}

#[test]
fn pytorch_momentum_equals_velocity_form_with_the_same_lr() {
    // u = −η·buf obeys u ← β·u − η·g, θ ← θ + u: the velocity form.
    let surface = rosenbrock();
    for (lr, beta) in [(1e-3, 0.9), (5e-4, 0.95), (2e-3, 0.5)] {
        let py = momentum::pytorch(lr, beta, 0.0);
        let vel = momentum::velocity(lr, beta);
        let a = sim(py, &surface, ROSEN_START, 30);
        let b = sim(vel, &surface, ROSEN_START, 30);
        assert_paths_agree(&a.positions, &b.positions, 1e-12, "pytorch vs velocity");
        // The path actually moves (the comparison is not vacuous).
        assert!((a.positions[30][0] - ROSEN_START[0]).abs() > 1e-2);

        // The states are related by v = −η·buf.
        let (mut sp, mut sv) = (OptimizerState::new(py), OptimizerState::new(vel));
        let (mut tp, mut tv) = (ROSEN_START, ROSEN_START);
        for _ in 0..30 {
            tp = sp.step(tp, |p| surface.gradient(p)).unwrap().position;
            tv = sv.step(tv, |p| surface.gradient(p)).unwrap().position;
            for i in 0..2 {
                assert_close(
                    sv.velocity()[i],
                    -lr * sp.velocity()[i],
                    1e-12,
                    "v = −η·buf",
                );
            }
        }
    }
}

#[test]
fn ema_momentum_with_scaled_lr_equals_velocity_form() {
    // EMA: v ← β·v + (1 − β)·g, θ ← θ − (η/(1 − β))·v. With u = −(η/(1 − β))·v:
    // u ← β·u − η·g, θ ← θ + u, and u₀ = 0 = v₀: the velocity form with lr η.
    let surface = rosenbrock();
    for (lr, beta) in [(1e-3, 0.9), (5e-4, 0.95), (2e-3, 0.5)] {
        let ema = momentum::ema(lr / (1.0 - beta), beta);
        let vel = momentum::velocity(lr, beta);
        let a = sim(ema, &surface, ROSEN_START, 30);
        let b = sim(vel, &surface, ROSEN_START, 30);
        assert_paths_agree(&a.positions, &b.positions, 1e-12, "ema vs velocity");
        assert!((a.positions[30][0] - ROSEN_START[0]).abs() > 1e-2);
    }
}

#[test]
fn ema_and_dampened_pytorch_differ_exactly_at_the_first_step() {
    // PyTorch with dampening β and lr η/(1 − β) would match the EMA form with lr η/(1 − β) if
    // its first buffer were (1 − β)·g; it is g, so step 1 is 1/(1 − β) times larger.
    let surface = rosenbrock();
    let (lr, beta) = (1e-3, 0.9);
    let big = lr / (1.0 - beta);
    let py = sim(momentum::pytorch(big, beta, beta), &surface, ROSEN_START, 2);
    let ema = sim(momentum::ema(big, beta), &surface, ROSEN_START, 2);
    let g0 = surface.gradient(ROSEN_START);
    for i in 0..2 {
        let ema_step = ema.positions[1][i] - ROSEN_START[i];
        let py_step = py.positions[1][i] - ROSEN_START[i];
        assert_close(ema_step, -lr * g0[i], 1e-12, "ema step 1 = −η·g");
        assert_close(py_step, -big * g0[i], 1e-12, "pytorch step 1 = −η/(1−β)·g");
        assert_close(py_step, ema_step / (1.0 - beta), 1e-12, "ratio 1/(1 − β)");
    }
}

#[test]
fn pytorch_nesterov_positions_are_the_lookahead_points() {
    // Look-ahead: φ_t = θ_t + β·v_t satisfies φ_{t+1} = φ_t − η·∇f(φ_t) + β·v_{t+1} with
    // v_{t+1} = β·v_t − η·∇f(φ_t). PyTorch: with u_t = −η·buf_t, u_{t+1} = β·u_t − η·∇f(θ'_t) and
    // θ'_{t+1} = θ'_t − η·∇f(θ'_t) + β·u_{t+1}. Same recurrence, same start (φ_0 = θ_0, v_0 = u_0
    // = 0), so θ'_t = φ_t: PyTorch's positions are the look-ahead points where the look-ahead form
    // takes its gradients (gradient_points[t] is where step t + 1 took it).
    let surface = rosenbrock();
    for (lr, beta) in [(1e-3, 0.9), (5e-4, 0.95), (2e-3, 0.5)] {
        let py = nesterov::pytorch(lr, beta);
        let la = nesterov::lookahead(lr, beta);
        let n = 30;
        let a = sim(py, &surface, ROSEN_START, n);
        let b = sim(la, &surface, ROSEN_START, n + 1);
        assert_paths_agree(
            &a.positions,
            &b.gradient_points,
            1e-12,
            "pytorch θ' vs look-ahead φ",
        );
        // And the underlying θ's differ (the identity is not a triviality).
        assert!((a.positions[n][0] - b.positions[n][0]).abs() > 1e-6);
        // PyTorch takes its gradient at θ' itself.
        assert_eq!(&a.gradient_points[..], &a.positions[..n]);

        // The states are related by v = −η·buf.
        let (mut sp, mut sl) = (OptimizerState::new(py), OptimizerState::new(la));
        let (mut tp, mut tl) = (ROSEN_START, ROSEN_START);
        for _ in 0..n {
            let ip = sp.step(tp, |p| surface.gradient(p)).unwrap();
            let il = sl.step(tl, |p| surface.gradient(p)).unwrap();
            for (i, &tp_i) in tp.iter().enumerate() {
                assert_close(il.gradient_at[i], tp_i, 1e-12, "gradient point");
                assert_close(il.gradient[i], ip.gradient[i], 1e-9, "gradient");
                assert_close(
                    sl.velocity()[i],
                    -lr * sp.velocity()[i],
                    1e-12,
                    "v = −η·buf",
                );
            }
            tp = ip.position;
            tl = il.position;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Adam's bias correction.
// ---------------------------------------------------------------------------------------------

#[test]
fn adam_first_step_is_lr_times_g_over_abs_g_plus_eps() {
    // t = 1: m = (1 − β₁)·g, v = (1 − β₂)·g², so m/(1 − β₁) = g and √v/√(1 − β₂) = |g|:
    // θ₁ = θ₀ − lr·g/(|g| + eps), ≈ −lr·sign(g) for |g| ≫ eps.
    for (lr, beta1, beta2, eps) in [
        (0.05, 0.9, 0.999, 1e-8),
        (0.3, 0.8, 0.99, 1e-8),
        (1e-3, 0.5, 0.9, 1e-6),
    ] {
        let opt = adam::new(lr, beta1, beta2, eps);
        // Gradients spanning magnitudes, including ones comparable to eps.
        let cases: [(f64, f64, Point); 5] = [
            (1.0, 10.0, [2.5, -2.0]),
            (3.0, 0.2, [-1.0, 7.0]),
            (1e-3, 1e4, [0.5, -0.5]),
            (1.0, 1.0, [1e-8, -3e-9]),
            (2.0, 5.0, [1e-9, 4e-2]),
        ];
        for (a, b, start) in cases {
            let surface = quad(a, b);
            let g = [a * start[0], b * start[1]];
            let t = sim(opt, &surface, start, 1);
            for i in 0..2 {
                let step = t.positions[1][i] - start[i];
                let want = -lr * g[i] / (g[i].abs() + eps);
                assert!(
                    (step - want).abs() <= 1e-12 * lr,
                    "adam {opt:?} g {g:?} coordinate {i}: step {step:e}, expected {want:e}"
                );
                // |step − (−lr·sign g)| = lr·eps/(|g| + eps) ≤ lr·eps/|g|.
                if g[i] != 0.0 {
                    let off = (step + lr * g[i].signum()).abs();
                    assert!(
                        off <= lr * eps / g[i].abs() * (1.0 + 1e-9) + 1e-15,
                        "{off:e}"
                    );
                }
            }
        }
    }
}

#[test]
fn adam_eps_is_added_after_the_second_moment_bias_correction() {
    // With g = eps the first step is exactly lr/2 (eps added to √v̂ = |g|); adding it to √v before
    // dividing by √(1 − β₂) would give lr·g/(|g| + eps/√(1 − β₂)) ≈ lr/32.6 instead.
    let eps = 1e-8;
    let lr = 0.1;
    let opt = adam::new(lr, 0.9, 0.999, eps);
    let t = sim(opt, &quad(1.0, 1.0), [eps, 0.0], 1);
    assert_close(t.positions[1][0], eps - lr / 2.0, 1e-12, "g = eps");
    // g = 0 leaves the coordinate where it is.
    assert_eq!(t.positions[1][1], 0.0);
}

// ---------------------------------------------------------------------------------------------
// 6. Divergence.
// ---------------------------------------------------------------------------------------------

#[test]
fn gd_above_two_over_lambda_max_leaves_the_bound() {
    let surface = quad(1.0, 10.0);
    let (x0, y0) = (2.5, -2.0);
    let cases = [
        // (lr, window, expected step worked out by hand)
        // y_t = (−1.5)^t·(−2), bound [−63, 63]: 2·1.5⁸ ≈ 51.3 ≤ 63 < 2·1.5⁹ ≈ 76.9.
        (0.25, Window::new((-3.0, 3.0), (-3.0, 3.0)), 9),
        // y_t = (−1.1)^t·(−2): 2·1.1³⁶ ≈ 61.8 ≤ 63 < 2·1.1³⁷ ≈ 68.0.
        (0.21, Window::new((-3.0, 3.0), (-3.0, 3.0)), 37),
        // Bound y ∈ [−1 − 30, 2 + 30]: y_5 = 15.2, y_6 = −22.8, y_7 = 34.2 > 32.
        (0.25, Window::new((-3.0, 3.0), (-1.0, 2.0)), 7),
        // Bound y ∈ [−1 − 20, 1 + 20] while x's is [−3 − 60, 3 + 60]: y_5 = 15.2, y_6 = −22.8.
        (0.25, Window::new((-3.0, 3.0), (-1.0, 1.0)), 6),
    ];
    for (lr, window, hand_step) in cases {
        assert!(lr > 2.0 / 10.0);
        let traj = simulate(&run(gd::new(lr), [x0, y0]), &surface, &window, 100);

        // Independently: the bound is the window grown by DIVERGENCE_MARGIN window heights
        // (widths) on each side; y_t = (1 − 10·lr)^t·y0 and x_t = (1 − lr)^t·x0.
        let m = DIVERGENCE_MARGIN;
        let (w, h) = (window.x.1 - window.x.0, window.y.1 - window.y.0);
        let (xlo, xhi) = (window.x.0 - m * w, window.x.1 + m * w);
        let (ylo, yhi) = (window.y.0 - m * h, window.y.1 + m * h);
        let closed = |t: usize| {
            [
                (1.0 - lr).powi(t as i32) * x0,
                (1.0 - lr * 10.0).powi(t as i32) * y0,
            ]
        };
        let inside = |p: Point| xlo <= p[0] && p[0] <= xhi && ylo <= p[1] && p[1] <= yhi;
        let expected_step = (1..=100).find(|&t| !inside(closed(t))).unwrap();
        assert_eq!(expected_step, hand_step, "lr {lr} {window:?}");
        assert_eq!(
            traj.diverged,
            Some(Divergence {
                step: expected_step,
                reason: StopReason::LeftBound
            }),
            "lr {lr} {window:?}"
        );
        // The point that left the bound is kept; nothing after it.
        assert_eq!(traj.positions.len(), expected_step + 1);
        assert_eq!(traj.losses.len(), expected_step + 1);
        assert_eq!(traj.gradient_points.len(), expected_step);
        assert_eq!(traj.last_step(), expected_step);
        assert_eq!(traj.position_at(1000), traj.positions[expected_step]);
        assert!(traj
            .positions
            .iter()
            .all(|p| p[0].is_finite() && p[1].is_finite()));
        assert!(traj.losses.iter().all(|l| l.is_finite()));
        for (t, p) in traj.positions.iter().enumerate() {
            let want = closed(t);
            assert_close(p[0], want[0], 1e-12, "x_t");
            assert_close(p[1], want[1], 1e-12, "y_t");
            assert_eq!(inside(*p), t < expected_step, "step {t} at {p:?}");
        }
    }
}

#[test]
fn gd_just_below_two_over_lambda_max_does_not_diverge() {
    let surface = quad(1.0, 10.0);
    let window = Window::new((-3.0, 3.0), (-3.0, 3.0));
    let traj = simulate(&run(gd::new(0.19), [2.5, -2.0]), &surface, &window, 200);
    assert_eq!(traj.diverged, None);
    assert_eq!(traj.positions.len(), 201);
    // y_t = (1 − 1.9)^t·y0, |y_200| = 0.9^200 · 2 ≈ 1.4e-9.
    let want = (-0.9f64).powi(200) * -2.0;
    assert!((traj.positions[200][1] - want).abs() <= 1e-12 * want.abs());
    assert!(want.abs() < 2e-9);
}

#[test]
fn non_finite_position_is_dropped_and_not_a_bound_exit() {
    // Saddle x² − y²: y ← y − lr·(−2y) = (1 + 2·lr)·y overflows to +∞ at once.
    let window = Window::new((-2.0, 2.0), (-2.0, 2.0));
    let start = [0.5, 1.0];
    let traj = simulate(&run(gd::new(1e308), start), &saddle(), &window, 10);
    assert_eq!(
        traj.diverged,
        Some(Divergence {
            step: 1,
            reason: StopReason::NonFinite
        })
    );
    assert_eq!(traj.positions, vec![start]);
    assert_eq!(traj.losses, vec![0.25 - 1.0]);
    assert!(traj.gradient_points.is_empty());
}

#[test]
fn finite_position_with_non_finite_loss_is_dropped() {
    // From (1, 1) with lr 5e199: x₁ = 1 − 1e200, y₁ = 1 + 1e200, both finite, but
    // x₁² − y₁² = ∞ − ∞ = NaN. The NaN check comes before the bound check.
    let window = Window::new((-2.0, 2.0), (-2.0, 2.0));
    let traj = simulate(&run(gd::new(5e199), [1.0, 1.0]), &saddle(), &window, 10);
    let p1: Point = [1.0 - 5e199 * 2.0, 1.0 + 5e199 * 2.0];
    assert!(p1[0].is_finite() && p1[1].is_finite());
    assert!(saddle().value(p1).is_nan());
    assert_eq!(
        traj.diverged,
        Some(Divergence {
            step: 1,
            reason: StopReason::NonFinite
        })
    );
    assert_eq!(traj.positions, vec![[1.0, 1.0]]);
}

#[test]
fn formula_leaving_its_domain_stops_with_the_nan_point_dropped() {
    // f = ln(x) + y²: GD steps x ← x − lr/x, y ← (1 − 2·lr)·y until x ≤ 0 makes ln NaN.
    let expr = Expr::parse("ln(x) + y^2").unwrap();
    let surface = Surface::new(&formula::KIND, formula::Formula::with_minima(expr, vec![]));
    let window = Window::new((-10.0, 10.0), (-10.0, 10.0));
    let (lr, start) = (5.0, [4.0, 0.0]);
    let traj = simulate(&run(gd::new(lr), start), &surface, &window, 50);

    let mut xs = vec![start[0]];
    let nan_step = loop {
        let x = *xs.last().unwrap();
        let next = x - lr / x;
        if next <= 0.0 {
            break xs.len();
        }
        xs.push(next);
    };
    assert!(nan_step > 1, "the test wants a few finite steps first");
    assert_eq!(
        traj.diverged,
        Some(Divergence {
            step: nan_step,
            reason: StopReason::NonFinite
        })
    );
    assert_eq!(traj.positions.len(), nan_step);
    assert_eq!(traj.gradient_points.len(), nan_step - 1);
    for (p, x) in traj.positions.iter().zip(&xs) {
        assert_close(p[0], *x, 1e-12, "x_t");
        assert_eq!(p[1], 0.0);
    }
    for (p, l) in traj.positions.iter().zip(&traj.losses) {
        assert!(l.is_finite());
        assert_close(*l, p[0].ln(), 1e-12, "loss");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Noise and parallel simulation.
// ---------------------------------------------------------------------------------------------

fn noisy(optimizer: Optimizer, start: Point, std: f64, seed: u64) -> Run {
    Run {
        noise: Some(Noise { std, seed }),
        ..run(optimizer, start)
    }
}

#[test]
fn noise_is_reproducible_seeded_and_zero_std_is_noiseless() {
    let surface = rosenbrock();
    let window = Window::new((-2.0, 2.0), (-1.0, 3.0));
    let opt = momentum::pytorch(1e-3, 0.9, 0.0);
    let a = simulate(&noisy(opt, ROSEN_START, 2.0, 7), &surface, &window, 200);
    let b = simulate(&noisy(opt, ROSEN_START, 2.0, 7), &surface, &window, 200);
    let c = simulate(&noisy(opt, ROSEN_START, 2.0, 8), &surface, &window, 200);
    let clean = simulate(&run(opt, ROSEN_START), &surface, &window, 200);
    let zero = simulate(&noisy(opt, ROSEN_START, 0.0, 7), &surface, &window, 200);
    assert_eq!(a.positions.len(), 201);
    assert_eq!(a, b);
    assert_ne!(a.positions, c.positions);
    assert_ne!(a.positions, clean.positions);
    assert_eq!(zero, clean);
    assert_eq!(zero.positions, clean.positions);
}

#[test]
fn noise_is_added_per_component_in_x_then_y_order() {
    // GD on ½(x² + 10y²): the gradient used at step t is (θ_t − θ_{t+1})/lr; minus the exact
    // gradient this recovers the noise, which must be the run's seeded stream, x before y.
    let lr = 0.05;
    let (std, seed) = (0.3, 12345);
    let surface = quad(1.0, 10.0);
    let traj = simulate(
        &noisy(gd::new(lr), START, std, seed),
        &surface,
        &huge_window(),
        20,
    );
    let mut stream = GaussianNoise::new(std, seed);
    for t in 0..20 {
        let p = traj.positions[t];
        let q = traj.positions[t + 1];
        for i in 0..2 {
            let used = (p[i] - q[i]) / lr;
            let noise = used - LAMBDA[i] * p[i];
            let want = stream.sample();
            assert!(
                (noise - want).abs() < 1e-10,
                "step {t} coordinate {i}: {noise} vs {want}"
            );
        }
    }
}

#[test]
fn lookahead_nesterov_is_noisy_at_the_lookahead_point() {
    // OptimizerState is given the noisy gradient function; check via the state API that the
    // gradient the simulation used at step 1 is ∇f(start) + the first two samples.
    let (std, seed) = (0.5, 99);
    let opt = nesterov::lookahead(0.05, 0.9);
    let surface = quad(1.0, 10.0);
    let traj = simulate(&noisy(opt, START, std, seed), &surface, &huge_window(), 5);
    let mut stream = GaussianNoise::new(std, seed);
    let mut state = OptimizerState::new(opt);
    let mut theta = START;
    for t in 0..5 {
        let info = state
            .step(theta, |p| {
                let g = surface.gradient(p);
                [g[0] + stream.sample(), g[1] + stream.sample()]
            })
            .unwrap();
        assert_eq!(info.gradient_at, traj.gradient_points[t]);
        assert_eq!(info.position, traj.positions[t + 1]);
        theta = info.position;
    }
}

fn twenty_runs() -> Vec<Run> {
    let optimizers = [
        gd::new(1e-3),
        momentum::pytorch(1e-3, 0.9, 0.0),
        momentum::ema(1e-2, 0.9),
        nesterov::lookahead(1e-3, 0.9),
        adam::new(0.05, 0.9, 0.999, 1e-8),
        gd::new(0.01), // diverges on Rosenbrock
    ];
    (0..20)
        .map(|k| {
            let start = [-1.5 + 0.1 * k as f64, 2.0 - 0.05 * k as f64];
            let noise = (k % 3 != 0).then_some(Noise {
                std: 0.1 * (k % 4) as f64,
                seed: (k % 5) as u64,
            });
            Run {
                entry: k % optimizers.len(),
                noise,
                ..Run::new(
                    k,
                    format!("run {k}"),
                    optimizers[k % optimizers.len()],
                    start,
                )
            }
        })
        .collect()
}

#[test]
fn simulate_all_equals_sequential_simulate_whatever_the_thread_count() {
    let surface = rosenbrock();
    let window = Window::new((-2.0, 2.0), (-1.0, 3.0));
    let runs = twenty_runs();
    let steps = 300;
    let sequential: Vec<Trajectory> = runs
        .iter()
        .map(|r| simulate(r, &surface, &window, steps))
        .collect();
    // The set is varied: some diverge, some run to the end.
    assert!(sequential.iter().any(|t| t.diverged.is_some()));
    assert!(sequential.iter().any(|t| t.diverged.is_none()));

    let default_pool = simulate_all(&runs, &surface, &window, steps);
    assert_eq!(default_pool, sequential);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let got = pool.install(|| simulate_all(&runs, &surface, &window, steps));
        assert_eq!(got, sequential, "{threads} thread(s)");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Weight decay and the newer torch rules, hand-worked on f = ½(x² + 10y²) from (2.5, −2).
//    Each is written in torch's order: the step is θ + (−s·g)/d (`addcdiv_`), the first
//    moment torch's `lerp_`.
// ---------------------------------------------------------------------------------------------

#[test]
fn hand_steps_gd_with_weight_decay() {
    // g ← λθ + wd·θ, so each coordinate shrinks by 1 − lr·(λ + wd) per step.
    let wd = 0.1;
    check_hand_steps(
        "gd weight_decay",
        gd::with_decay(LR, wd),
        |w0, l| {
            let w1 = w0 - LR * (l * w0 + wd * w0);
            let w2 = w1 - LR * (l * w1 + wd * w1);
            let w3 = w2 - LR * (l * w2 + wd * w2);
            vec![w1, w2, w3]
        },
        // x: ×0.945 per step; y: ×0.495 per step.
        Some([
            [2.3625, -0.99],
            [2.2325625, -0.49005],
            [2.1097715625, -0.24257475],
        ]),
    );
}

#[test]
fn hand_steps_momentum_with_weight_decay() {
    let wd = 0.2;
    check_hand_steps(
        "momentum/pytorch weight_decay",
        momentum::pytorch_with_decay(LR, BETA, 0.0, wd),
        |w0, l| {
            let g0 = l * w0 + wd * w0;
            let buf1 = g0;
            let w1 = w0 - LR * buf1;
            let g1 = l * w1 + wd * w1;
            let buf2 = BETA * buf1 + g1;
            let w2 = w1 - LR * buf2;
            let g2 = l * w2 + wd * w2;
            let buf3 = BETA * buf2 + g2;
            let w3 = w2 - LR * buf3;
            vec![w1, w2, w3]
        },
        None,
    );
}

/// torch's SGD keeps no buffer when momentum is 0: the dampening does nothing, and with
/// dampening 1 the run does not freeze after one step (it used to: buf = 0·buf + 0·g).
#[test]
fn momentum_zero_is_plain_sgd_whatever_the_dampening() {
    let surface = quad(LAMBDA[0], LAMBDA[1]);
    let gd = sim(gd::new(LR), &surface, START, 40);
    for dampening in [0.0, 0.5, 1.0] {
        let m = sim(momentum::pytorch(LR, 0.0, dampening), &surface, START, 40);
        assert_eq!(m.positions, gd.positions, "dampening {dampening}");
    }
    // The hand decimals of GD, reached with dampening 1.
    let m = sim(momentum::pytorch(LR, 0.0, 1.0), &surface, START, 3);
    assert_eq!(m.positions[2], [2.25625, -0.5]);
    assert_eq!(m.positions[3], [2.1434375, -0.25]);
}

#[test]
fn hand_steps_nesterov_with_weight_decay() {
    let wd = 0.3;
    check_hand_steps(
        "nesterov/pytorch weight_decay",
        nesterov::pytorch_with_decay(LR, BETA, wd),
        |w0, l| {
            let g0 = l * w0 + wd * w0;
            let buf1 = g0;
            let w1 = w0 - LR * (g0 + BETA * buf1);
            let g1 = l * w1 + wd * w1;
            let buf2 = BETA * buf1 + g1;
            let w2 = w1 - LR * (g1 + BETA * buf2);
            let g2 = l * w2 + wd * w2;
            let buf3 = BETA * buf2 + g2;
            let w3 = w2 - LR * (g2 + BETA * buf3);
            vec![w1, w2, w3]
        },
        None,
    );
}

#[test]
fn hand_steps_adagrad_with_initial_accumulator_and_weight_decay() {
    let (eps, wd, s0) = (1e-10, 0.1, 0.4);
    check_hand_steps(
        "adagrad initial_accumulator_value weight_decay",
        adagrad::with_options(LR, 0.0, wd, s0, eps),
        |w0, l| {
            // state_sum starts at s0; clr = lr; θ + (−clr·g)/(√s + eps).
            let g0 = l * w0 + wd * w0;
            let s1 = s0 + g0 * g0;
            let w1 = w0 + (-LR * g0) / (s1.sqrt() + eps);
            let g1 = l * w1 + wd * w1;
            let s2 = s1 + g1 * g1;
            let w2 = w1 + (-LR * g1) / (s2.sqrt() + eps);
            let g2 = l * w2 + wd * w2;
            let s3 = s2 + g2 * g2;
            let w3 = w2 + (-LR * g2) / (s3.sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
    // A larger start of the accumulator shortens the first step: x moves by
    // lr·2.75/√(0.4 + 2.75²) instead of ≈ lr.
    let t = sim(
        adagrad::with_options(LR, 0.0, wd, s0, eps),
        &quad(1.0, 10.0),
        START,
        1,
    );
    let g = 2.75;
    assert_close(
        START[0] - t.positions[1][0],
        LR * g / ((s0 + g * g).sqrt() + eps),
        1e-14,
        "first step",
    );
}

#[test]
fn hand_steps_rmsprop_centered() {
    let (alpha, eps, lr) = (0.9, 1e-8, 0.01);
    check_hand_steps(
        "rmsprop centered",
        rmsprop::with_options(lr, alpha, eps, 0.0, 0.0, true),
        |w0, l| {
            // v = α·v + (1 − α)·g²; a = lerp(a, g, 1 − α) = a + (1 − α)(g − a) (weight < ½);
            // θ + (−lr·g)/(√(v − a²) + eps).
            let g0 = l * w0;
            let v1 = (1.0 - alpha) * g0 * g0;
            let a1 = (1.0 - alpha) * g0;
            let w1 = w0 + (-lr * g0) / ((v1 - a1 * a1).sqrt() + eps);
            let g1 = l * w1;
            let v2 = alpha * v1 + (1.0 - alpha) * g1 * g1;
            let a2 = a1 + (1.0 - alpha) * (g1 - a1);
            let w2 = w1 + (-lr * g1) / ((v2 - a2 * a2).sqrt() + eps);
            let g2 = l * w2;
            let v3 = alpha * v2 + (1.0 - alpha) * g2 * g2;
            let a3 = a2 + (1.0 - alpha) * (g2 - a2);
            let w3 = w2 + (-lr * g2) / ((v3 - a3 * a3).sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
    // Step 1: √(v − a²) = |g|·√(0.1 − 0.01) = 0.3·|g|, so each coordinate moves lr/0.3.
    let t = sim(
        rmsprop::with_options(lr, alpha, eps, 0.0, 0.0, true),
        &quad(1.0, 10.0),
        START,
        1,
    );
    assert_close(START[0] - t.positions[1][0], lr / 0.3, 1e-7, "x step");
    assert_close(t.positions[1][1] - START[1], lr / 0.3, 1e-7, "y step");
}

#[test]
fn hand_steps_rmsprop_with_momentum_and_weight_decay() {
    let (alpha, eps, mu, wd) = (0.99, 1e-8, 0.9, 0.05);
    check_hand_steps(
        "rmsprop momentum",
        rmsprop::with_options(LR, alpha, eps, wd, mu, false),
        |w0, l| {
            // b = μ·b + g/(√v + eps); θ − lr·b.
            let g0 = l * w0 + wd * w0;
            let v1 = (1.0 - alpha) * g0 * g0;
            let b1 = g0 / (v1.sqrt() + eps);
            let w1 = w0 - LR * b1;
            let g1 = l * w1 + wd * w1;
            let v2 = alpha * v1 + (1.0 - alpha) * g1 * g1;
            let b2 = mu * b1 + g1 / (v2.sqrt() + eps);
            let w2 = w1 - LR * b2;
            let g2 = l * w2 + wd * w2;
            let v3 = alpha * v2 + (1.0 - alpha) * g2 * g2;
            let b3 = mu * b2 + g2 / (v3.sqrt() + eps);
            let w3 = w2 - LR * b3;
            vec![w1, w2, w3]
        },
        None,
    );
}

/// AMSGrad divides by the largest second moment so far: after a large gradient and then small
/// ones, its steps stay short where Adam's grow back.
#[test]
fn amsgrad_keeps_the_largest_second_moment() {
    let (lr, b1, b2, eps) = (0.1, 0.5, 0.5, 1e-8);
    let grads = [10.0, 0.1, 0.1, 0.1];
    let run = |amsgrad: bool| {
        let mut s = OptimizerState::new(adam::with_options(lr, b1, b2, eps, 0.0, amsgrad));
        let mut theta = [0.0, 0.0];
        let mut xs = vec![];
        for g in grads {
            theta = s.step(theta, |_| [g, 0.0]).unwrap().position;
            xs.push(theta[0]);
        }
        xs
    };
    // By hand: m = lerp(m, g, ½) (the large-weight form end − (end − m)·½), v = ½v + ½g².
    let (mut m, mut v, mut vmax, mut x) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    let mut want = vec![];
    for (t, g) in grads.iter().enumerate() {
        let t = t as f64 + 1.0;
        m = g - (g - m) * (1.0 - (1.0 - b1));
        v = v * b2 + (1.0 - b2) * g * g;
        vmax = vmax.max(v);
        let step_size = lr / (1.0 - b1.powf(t));
        let denom = vmax.sqrt() / (1.0 - b2.powf(t)).sqrt() + eps;
        x += -step_size * m / denom;
        want.push(x);
    }
    let got = run(true);
    for (g, w) in got.iter().zip(&want) {
        assert_close(*g, *w, 1e-14, "amsgrad");
    }
    // Adam's own step 4 is longer than AMSGrad's (v has decayed, vmax has not).
    let adam = run(false);
    assert!((adam[3] - adam[2]).abs() > 2.0 * (got[3] - got[2]).abs());
    assert_eq!(adam[0], got[0], "the first steps agree");
}

/// AdamW with no gradient is pure decoupled decay: θ_t = θ₀·(1 − lr·wd)ᵗ exactly, since m and
/// v stay 0 and the Adam step is 0/(0 + eps) = 0.
#[test]
fn adamw_without_a_gradient_decays_geometrically() {
    let (lr, wd) = (0.05, 0.2);
    let mut s = OptimizerState::new(adamw::new(lr, 0.9, 0.999, 1e-8, wd, false));
    let mut theta = START;
    let factor: f64 = 1.0 - lr * wd;
    for t in 1..=200 {
        theta = s.step(theta, |_| [0.0, 0.0]).unwrap().position;
        for i in 0..2 {
            assert_close(
                theta[i],
                START[i] * factor.powi(t),
                1e-13,
                &format!("step {t}"),
            );
        }
    }
}

#[test]
fn hand_steps_adamw() {
    let (b1, b2, eps, wd) = (0.9, 0.999, 1e-8, 0.1);
    check_hand_steps(
        "adamw",
        adamw::new(LR, b1, b2, eps, wd, false),
        |w0, l| {
            // θ ← θ·(1 − lr·wd) with g taken at θ before; then Adam on the decayed θ.
            let decay = 1.0 - LR * wd;
            let g0 = l * w0;
            let m1 = (1.0 - b1) * g0;
            let v1 = (1.0 - b2) * g0 * g0;
            let w1 = w0 * decay + (-(LR / (1.0 - b1)) * m1) / (v1.sqrt() / (1.0 - b2).sqrt() + eps);
            let g1 = l * w1;
            let m2 = m1 + (1.0 - b1) * (g1 - m1);
            let v2 = b2 * v1 + (1.0 - b2) * g1 * g1;
            let w2 = w1 * decay
                + (-(LR / (1.0 - b1 * b1)) * m2) / (v2.sqrt() / (1.0 - b2 * b2).sqrt() + eps);
            let g2 = l * w2;
            let m3 = m2 + (1.0 - b1) * (g2 - m2);
            let v3 = b2 * v2 + (1.0 - b2) * g2 * g2;
            let w3 = w2 * decay
                + (-(LR / (1.0 - b1 * b1 * b1)) * m3)
                    / (v3.sqrt() / (1.0 - b2 * b2 * b2).sqrt() + eps);
            vec![w1, w2, w3]
        },
        None,
    );
    // With no decay AdamW is Adam, bit for bit.
    let surface = rosenbrock();
    let a = sim(adam::new(0.02, b1, b2, eps), &surface, ROSEN_START, 300);
    let w = sim(
        adamw::new(0.02, b1, b2, eps, 0.0, false),
        &surface,
        ROSEN_START,
        300,
    );
    assert_eq!(a.positions, w.positions);
    // Coupled and decoupled decay differ: Adam's decay is divided by √v, AdamW's is not.
    let a = sim(
        adam::with_options(0.02, b1, b2, eps, 0.1, false),
        &surface,
        ROSEN_START,
        50,
    );
    let w = sim(
        adamw::new(0.02, b1, b2, eps, 0.1, false),
        &surface,
        ROSEN_START,
        50,
    );
    assert_ne!(a.positions, w.positions);
}

#[test]
fn hand_steps_nadam() {
    let (b1, b2, eps, psi) = (0.9, 0.999, 1e-8, 0.004);
    check_hand_steps(
        "nadam",
        nadam::new(LR, b1, b2, eps, 0.0, psi),
        |w0, l| {
            // μ_t = β₁(1 − ½·0.96^(t·ψ)); the step adds (−lr(1 − μ_t)/(1 − Π_t))·g/d and
            // (−lr·μ_{t+1}/(1 − Π_{t+1}))·m/d, d = √(v/(1 − β₂ᵗ)) + eps.
            let mu = |t: f64| b1 * (1.0 - 0.5 * 0.96f64.powf(t * psi));
            let (mu1, mu2, mu3, mu4) = (mu(1.0), mu(2.0), mu(3.0), mu(4.0));
            let g0 = l * w0;
            let m1 = (1.0 - b1) * g0;
            let v1 = (1.0 - b2) * g0 * g0;
            let d1 = (v1 / (1.0 - b2)).sqrt() + eps;
            let p1 = mu1;
            let w1 = w0
                + (-LR * (1.0 - mu1) / (1.0 - p1)) * g0 / d1
                + (-LR * mu2 / (1.0 - p1 * mu2)) * m1 / d1;
            let g1 = l * w1;
            let m2 = m1 + (1.0 - b1) * (g1 - m1);
            let v2 = b2 * v1 + (1.0 - b2) * g1 * g1;
            let d2 = (v2 / (1.0 - b2 * b2)).sqrt() + eps;
            let p2 = p1 * mu2;
            let w2 = w1
                + (-LR * (1.0 - mu2) / (1.0 - p2)) * g1 / d2
                + (-LR * mu3 / (1.0 - p2 * mu3)) * m2 / d2;
            let g2 = l * w2;
            let m3 = m2 + (1.0 - b1) * (g2 - m2);
            let v3 = b2 * v2 + (1.0 - b2) * g2 * g2;
            let d3 = (v3 / (1.0 - b2 * b2 * b2)).sqrt() + eps;
            let p3 = p2 * mu3;
            let w3 = w2
                + (-LR * (1.0 - mu3) / (1.0 - p3)) * g2 / d3
                + (-LR * mu4 / (1.0 - p3 * mu4)) * m3 / d3;
            vec![w1, w2, w3]
        },
        None,
    );
    // The first step: g/d = sign(g) up to eps, and m/d = 0.1·sign(g), so each coordinate moves
    // lr·(1 + 0.1·μ₂/(1 − μ₁μ₂)) ≈ 0.05·1.1812…
    let mu = |t: f64| b1 * (1.0 - 0.5 * 0.96f64.powf(t * psi));
    let expected = LR * (1.0 + 0.1 * mu(2.0) / (1.0 - mu(1.0) * mu(2.0)));
    let t = sim(
        nadam::new(LR, b1, b2, eps, 0.0, psi),
        &quad(1.0, 10.0),
        START,
        1,
    );
    assert_close(START[0] - t.positions[1][0], expected, 1e-8, "nadam x");
    assert_close(t.positions[1][1] - START[1], expected, 1e-8, "nadam y");
}

// ---------------------------------------------------------------------------------------------
// 9. Newton's method.
// ---------------------------------------------------------------------------------------------

/// On any quadratic one full Newton step lands on the centre; half a step goes half way.
#[test]
fn newton_lands_on_a_quadratics_minimum_in_one_step() {
    for (a, b, angle, center) in [
        (1.0, 10.0, 0.0, [0.0, 0.0]),
        (2.0, 0.5, 0.7, [0.5, -1.25]),
        (100.0, 1.0, -1.1, [3.0, 2.0]),
    ] {
        let surface = Surface::new(
            &quadratic::KIND,
            quadratic::Quadratic {
                a,
                b,
                angle,
                center,
            },
        );
        let t = sim(newton::new(1.0, 0.0), &surface, START, 2);
        for (i, c) in center.iter().enumerate() {
            assert_close(t.positions[1][i], *c, 1e-12, "one step");
            assert_close(t.positions[2][i], *c, 1e-12, "and it stays");
        }
        let half = sim(newton::new(0.5, 0.0), &surface, START, 1);
        for i in 0..2 {
            assert_close(
                half.positions[1][i],
                (START[i] + center[i]) / 2.0,
                1e-12,
                "half a step",
            );
        }
    }
}

/// Newton solves ∇f = 0: on x² − y² it jumps straight to the saddle, where gradient descent
/// leaves along y.
#[test]
fn newton_goes_to_the_saddle() {
    let t = sim(newton::new(1.0, 0.0), &saddle(), [1.5, 0.8], 3);
    assert_eq!(t.positions[1], [0.0, 0.0]);
    assert_eq!(t.positions[3], [0.0, 0.0]);
    let gd = sim(gd::new(0.1), &saddle(), [1.5, 0.8], 30);
    assert!(gd.positions[30][1].abs() > 10.0);
}

/// Damping adds to the diagonal: on ½(x² + 10y²), x ← x − x·1/(1 + d), y ← y − y·10/(10 + d).
#[test]
fn newton_damping_shortens_the_step() {
    let d = 2.0;
    let t = sim(newton::new(1.0, d), &quad(1.0, 10.0), START, 2);
    let (fx, fy) = (1.0 - 1.0 / (1.0 + d), 1.0 - 10.0 / (10.0 + d));
    assert_close(t.positions[1][0], START[0] * fx, 1e-14, "x");
    assert_close(t.positions[1][1], START[1] * fy, 1e-14, "y");
    assert_close(t.positions[2][0], START[0] * fx * fx, 1e-14, "x, step 2");
}

/// Newton on Rosenbrock from the classic start converges quadratically; the formula's
/// Hessian (second-order duals) gives the analytic Hessian's path.
#[test]
fn newton_on_rosenbrock_and_on_its_formula() {
    let builtin = sim(newton::new(1.0, 0.0), &rosenbrock(), [-1.2, 1.0], 12);
    let last = builtin.positions[12];
    assert!(
        (last[0] - 1.0).abs() < 1e-12 && (last[1] - 1.0).abs() < 1e-12,
        "{last:?}"
    );
    let expr = Expr::parse("(1 - x)^2 + 100*(y - x^2)^2").unwrap();
    let formula = Surface::new(&formula::KIND, formula::Formula::with_minima(expr, vec![]));
    let t = sim(newton::new(1.0, 0.0), &formula, [-1.2, 1.0], 12);
    for (a, b) in t.positions.iter().zip(&builtin.positions) {
        for i in 0..2 {
            assert_close(a[i], b[i], 1e-9, "formula vs built-in");
        }
    }
}

/// A singular Hessian ends the run at the step that needed it, with that reason.
#[test]
fn newton_stops_at_a_singular_hessian() {
    // x² has no curvature along y: H = [[2, 0], [0, 0]].
    let expr = Expr::parse("x^2").unwrap();
    let surface = Surface::new(&formula::KIND, formula::Formula::with_minima(expr, vec![]));
    let t = simulate(
        &run(newton::new(1.0, 0.0), [1.0, 1.0]),
        &surface,
        &huge_window(),
        10,
    );
    assert_eq!(t.positions, vec![[1.0, 1.0]]);
    let stop = t.diverged.expect("stopped");
    assert_eq!((stop.step, stop.reason), (1, StopReason::SingularHessian));
    assert_eq!(stop.note(), "singular Hessian at step 1");
    // Damping makes it invertible: x lands on 0, y stays.
    let t = sim(newton::new(1.0, 1.0), &surface, [1.0, 1.0], 1);
    assert_close(t.positions[1][0], 1.0 - 2.0 / 3.0, 1e-15, "x");
    assert_eq!(t.positions[1][1], 1.0);
    // Divergence notes read as the legend and the terminal say them.
    let d = Divergence {
        step: 7,
        reason: StopReason::LeftBound,
    };
    assert_eq!(d.note(), "diverged at step 7");
}

// ---------------------------------------------------------------------------------------------
// 10. Learning-rate schedules: torch's closed forms, and every rule stepping with them.
// ---------------------------------------------------------------------------------------------

#[test]
fn schedule_closed_forms() {
    let lr = 0.2;
    let step = Schedule::Step {
        step_size: 30,
        gamma: 0.1,
    };
    for (k, want) in [
        (0, lr),
        (29, lr),
        (30, lr * 0.1),
        (59, lr * 0.1),
        (60, lr * 0.01),
    ] {
        assert_close(step.lr(lr, k), want, 1e-15, &format!("step k = {k}"));
    }
    let multi = Schedule::MultiStep {
        milestones: vec![30, 80],
        gamma: 0.1,
    };
    for (k, want) in [
        (0, lr),
        (29, lr),
        (30, lr * 0.1),
        (79, lr * 0.1),
        (80, lr * 0.01),
        (500, lr * 0.01),
    ] {
        assert_close(multi.lr(lr, k), want, 1e-15, &format!("multistep k = {k}"));
    }
    let exp = Schedule::Exponential { gamma: 0.95 };
    assert_eq!(exp.lr(lr, 0), lr);
    assert_close(exp.lr(lr, 1), lr * 0.95, 1e-15, "exponential 1");
    assert_close(
        exp.lr(lr, 10),
        lr * 0.598_736_939_238_378_1,
        1e-14,
        "exponential 10",
    );
    let eta = 0.01;
    let cosine = Schedule::Cosine {
        t_max: 100,
        eta_min: eta,
    };
    assert_eq!(cosine.lr(lr, 0), lr);
    assert_close(cosine.lr(lr, 50), (lr + eta) / 2.0, 1e-15, "cosine t_max/2");
    assert_close(cosine.lr(lr, 100), eta, 1e-15, "cosine t_max");
    assert_close(
        cosine.lr(lr, 150),
        (lr + eta) / 2.0,
        1e-14,
        "cosine 3·t_max/2",
    );
    assert_close(cosine.lr(lr, 200), lr, 1e-15, "cosine 2·t_max: periodic");
    assert_close(
        cosine.lr(lr, 25),
        eta + (lr - eta) * (1.0 + 0.5f64.sqrt()) / 2.0,
        1e-15,
        "cosine t_max/4",
    );
    let linear = Schedule::Linear {
        start_factor: 0.1,
        end_factor: 1.0,
        total_iters: 10,
    };
    assert_close(linear.lr(lr, 0), lr * 0.1, 1e-15, "linear 0");
    assert_close(linear.lr(lr, 5), lr * 0.55, 1e-15, "linear 5");
    assert_close(linear.lr(lr, 10), lr, 1e-15, "linear total_iters");
    assert_close(linear.lr(lr, 1000), lr, 1e-15, "linear after");
}

/// The rates are torch's bit for bit: `_get_closed_form_lr` transcribed from the Python.
#[test]
fn schedule_rates_are_torchs_closed_form_bit_for_bit() {
    use std::f64::consts::PI;
    let base_lr: f64 = 0.3;
    for last_epoch in 0u64..400 {
        let e = last_epoch as f64;
        let cases: [(Schedule, f64); 5] = [
            // base_lr * self.gamma ** (self.last_epoch // self.step_size)
            (
                Schedule::Step {
                    step_size: 7,
                    gamma: 0.7,
                },
                base_lr * 0.7f64.powf((last_epoch / 7) as f64),
            ),
            // base_lr * self.gamma ** bisect_right(milestones, self.last_epoch)
            (
                Schedule::MultiStep {
                    milestones: vec![3, 50, 51, 300],
                    gamma: 0.3,
                },
                base_lr
                    * 0.3f64.powf(
                        [3u64, 50, 51, 300]
                            .iter()
                            .filter(|m| **m <= last_epoch)
                            .count() as f64,
                    ),
            ),
            // base_lr * self.gamma ** self.last_epoch
            (
                Schedule::Exponential { gamma: 0.99 },
                base_lr * 0.99f64.powf(e),
            ),
            // self.eta_min + (base_lr - self.eta_min) *
            //     (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
            (
                Schedule::Cosine {
                    t_max: 37,
                    eta_min: 0.01,
                },
                0.01 + (base_lr - 0.01) * (1.0 + (PI * e / 37.0).cos()) / 2.0,
            ),
            // base_lr * (self.start_factor + (self.end_factor - self.start_factor) *
            //     min(self.total_iters, self.last_epoch) / self.total_iters)
            (
                Schedule::Linear {
                    start_factor: 1.0 / 3.0,
                    end_factor: 0.9,
                    total_iters: 13,
                },
                base_lr * (1.0 / 3.0 + (0.9 - 1.0 / 3.0) * (13u64.min(last_epoch) as f64) / 13.0),
            ),
        ];
        for (schedule, torch) in cases {
            assert_eq!(
                schedule.lr(base_lr, last_epoch).to_bits(),
                torch.to_bits(),
                "{schedule:?} at last_epoch {last_epoch}"
            );
        }
    }
}

/// An oracle with the same gradient and Hessian everywhere: each rule's state then does not
/// depend on θ, so a step at rate lr is exactly lr times the step at rate 1 (for the rules
/// whose state does not hold lr).
struct Constant;

impl inertia::optimizer::Oracle for Constant {
    fn gradient(&mut self, _: Point) -> Point {
        [0.3, -0.7]
    }
    fn hessian(&mut self, _: Point) -> [[f64; 2]; 2] {
        [[2.0, 0.5], [0.5, 1.0]]
    }
}

/// Every rule sees the schedule's rate at every step: with a constant gradient its step at
/// step k is the closed form's lr_k times its step at lr = 1, and the trajectory records lr_k.
#[test]
fn every_rule_steps_with_the_scheduled_rate() {
    let schedules = [
        Schedule::Step {
            step_size: 4,
            gamma: 0.5,
        },
        Schedule::MultiStep {
            milestones: vec![2, 9],
            gamma: 0.2,
        },
        Schedule::Exponential { gamma: 0.9 },
        Schedule::Cosine {
            t_max: 6,
            eta_min: 0.001,
        },
        Schedule::Linear {
            start_factor: 0.25,
            end_factor: 1.0,
            total_iters: 5,
        },
    ];
    let optimizers = [
        gd::new(0.1),
        momentum::pytorch(0.1, 0.9, 0.3),
        momentum::ema(0.1, 0.9),
        nesterov::pytorch(0.1, 0.9),
        adagrad::new(0.1, 0.2, 1e-10),
        rmsprop::with_options(0.1, 0.9, 1e-8, 0.0, 0.5, true),
        adam::with_options(0.1, 0.9, 0.999, 1e-8, 0.0, true),
        adamw::new(0.1, 0.9, 0.999, 1e-8, 0.0, false),
        nadam::new(0.1, 0.9, 0.999, 1e-8, 0.0, 0.004),
        newton::new(0.5, 0.1),
    ];
    for optimizer in optimizers {
        // Steps at rate 1 from the same state sequence.
        let mut unit = OptimizerState::new(optimizer);
        let unit_steps: Vec<Point> = (0..20)
            .map(|_| {
                unit.step_at_lr(1.0, [0.0, 0.0], &mut Constant)
                    .unwrap()
                    .position
            })
            .collect();
        for schedule in &schedules {
            let mut state = OptimizerState::new(optimizer);
            for (k, unit_step) in unit_steps.iter().enumerate() {
                let lr = schedule.lr(optimizer.lr(), k as u64);
                let step = state
                    .step_at_lr(lr, [0.0, 0.0], &mut Constant)
                    .unwrap()
                    .position;
                for i in 0..2 {
                    assert_close(
                        step[i],
                        lr * unit_step[i],
                        1e-14,
                        &format!("{optimizer:?} {schedule:?} step {}", k + 1),
                    );
                }
            }
        }
    }
    // The run applies the schedule and records each step's rate.
    let schedule = schedules[3].clone();
    let r = Run {
        schedule: Some(schedule.clone()),
        ..run(gd::new(0.1), START)
    };
    let t = simulate(&r, &quad(1.0, 10.0), &huge_window(), 20);
    assert_eq!(t.lrs.len(), 20);
    let mut x = START[0];
    for (k, lr) in t.lrs.iter().enumerate() {
        assert_eq!(lr.to_bits(), schedule.lr(0.1, k as u64).to_bits());
        // GD on ½x²: x ← x − lr_k·x.
        x -= lr * x;
        assert_close(t.positions[k + 1][0], x, 1e-14, "gd x");
    }
    // Without a schedule every step records the optimizer's own rate.
    let t = sim(
        adam::new(0.05, 0.9, 0.999, 1e-8),
        &quad(1.0, 10.0),
        START,
        5,
    );
    assert_eq!(t.lrs, vec![0.05; 5]);
}

/// Schedules in the forms whose state holds lr (velocity, look-ahead): hand-worked.
#[test]
fn velocity_forms_carry_earlier_rates_in_their_state() {
    let schedule = Schedule::Exponential { gamma: 0.5 };
    for (optimizer, lookahead) in [
        (momentum::velocity(LR, BETA), false),
        (nesterov::lookahead(LR, BETA), true),
    ] {
        let r = Run {
            schedule: Some(schedule.clone()),
            ..run(optimizer, START)
        };
        let t = simulate(&r, &quad(1.0, 10.0), &huge_window(), 3);
        for i in 0..2 {
            let l = LAMBDA[i];
            let (mut w, mut v) = (START[i], 0.0);
            for k in 0..3 {
                let lr = LR * 0.5f64.powi(k);
                let at = if lookahead { w + BETA * v } else { w };
                v = BETA * v - lr * (l * at);
                w += v;
                assert_close(
                    t.positions[k as usize + 1][i],
                    w,
                    1e-14,
                    &format!("{optimizer:?}"),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 11. Minibatches on data.
// ---------------------------------------------------------------------------------------------

/// 20 noisy points around y = 2x + 1.
fn regression() -> Surface {
    let points: Vec<Point> = (0..20)
        .map(|i| {
            let x = -1.0 + 0.17 * i as f64;
            [x, 2.0 * x + 1.0 + 0.3 * ((i * 7 % 5) as f64 - 2.0)]
        })
        .collect();
    Surface::new(
        &linear_regression::KIND,
        linear_regression::LinearRegression::new(points).unwrap(),
    )
}

fn batched(optimizer: Optimizer, size: usize, seed: u64) -> Run {
    Run {
        batch: Some(Minibatch { size, seed }),
        ..run(optimizer, [-1.0, 3.0])
    }
}

/// A batch of every point is full-batch gradient descent, bit for bit, for every rule.
#[test]
fn a_batch_of_every_point_is_full_batch_bit_for_bit() {
    let surface = regression();
    for optimizer in [
        gd::new(0.1),
        momentum::pytorch(0.05, 0.9, 0.0),
        nesterov::lookahead(0.05, 0.9),
        adam::new(0.05, 0.9, 0.999, 1e-8),
        newton::new(0.5, 0.0),
    ] {
        let full = simulate(&run(optimizer, [-1.0, 3.0]), &surface, &huge_window(), 200);
        for seed in [0, 9] {
            let b = simulate(&batched(optimizer, 20, seed), &surface, &huge_window(), 200);
            assert_eq!(b.positions, full.positions, "{optimizer:?} seed {seed}");
        }
    }
}

/// With batch 1 each step is one point's squared-error gradient step, and each epoch uses
/// every point once; the loss recorded is the full data's.
#[test]
fn batch_one_visits_every_point_once_per_epoch() {
    let surface = regression();
    let data = surface
        .downcast_ref::<linear_regression::LinearRegression>()
        .unwrap();
    let lr = 0.05;
    let t = simulate(&batched(gd::new(lr), 1, 3), &surface, &huge_window(), 60);
    let mut visited = Vec::new();
    for k in 1..=60 {
        let [m, b] = t.positions[k - 1];
        // The one point whose gradient 2(m·x + b − y)·(x, 1) made this step.
        let matches: Vec<usize> = (0..20)
            .filter(|&i| {
                let [x, y] = data.points[i];
                let r = m * x + b - y;
                let want = [m - lr * 2.0 * r * x, b - lr * 2.0 * r];
                (0..2).all(|j| (t.positions[k][j] - want[j]).abs() < 1e-12)
            })
            .collect();
        assert_eq!(matches.len(), 1, "step {k}: {matches:?}");
        visited.push(matches[0]);
        assert_eq!(t.losses[k], surface.value(t.positions[k]), "full-data loss");
    }
    for epoch in visited.chunks(20) {
        let mut sorted = epoch.to_vec();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..20).collect::<Vec<_>>(),
            "a permutation per epoch"
        );
    }
    assert_ne!(visited[..20], visited[20..40], "shuffled afresh each epoch");
    // The seed decides the order.
    let other = simulate(&batched(gd::new(lr), 1, 4), &surface, &huge_window(), 60);
    assert_ne!(other.positions, t.positions);
}

/// Minibatch runs, like every run, come out the same whatever the thread count.
#[test]
fn minibatches_do_not_depend_on_the_thread_count() {
    let surface = regression();
    let runs: Vec<Run> = (0..12)
        .map(|k| Run {
            index: k,
            noise: (k % 2 == 0).then_some(Noise {
                std: 0.5,
                seed: k as u64,
            }),
            ..batched(
                momentum::pytorch(0.02, 0.9, 0.0),
                [1, 3, 7, 20][k % 4],
                k as u64 / 4,
            )
        })
        .collect();
    let sequential: Vec<Trajectory> = runs
        .iter()
        .map(|r| simulate(r, &surface, &huge_window(), 300))
        .collect();
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let got = pool.install(|| simulate_all(&runs, &surface, &huge_window(), 300));
        assert_eq!(got, sequential, "{threads} thread(s)");
    }
    // Smaller batches are noisier: the last 100 steps wander further from the optimum.
    let optimum = surface.minima()[0];
    let spread = |t: &Trajectory| {
        t.positions[200..]
            .iter()
            .map(|p| (p[0] - optimum[0]).hypot(p[1] - optimum[1]))
            .fold(0.0, f64::max)
    };
    let one = simulate(&batched(gd::new(0.05), 1, 0), &surface, &huge_window(), 300);
    let all = simulate(
        &batched(gd::new(0.05), 20, 0),
        &surface,
        &huge_window(),
        300,
    );
    assert!(
        spread(&one) > 10.0 * spread(&all),
        "{} vs {}",
        spread(&one),
        spread(&all)
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Curves: 1-D surfaces.
// ---------------------------------------------------------------------------------------------

fn parabola(lambda: f64, center: f64) -> Surface {
    Surface::curve(
        &quadratic1d::KIND,
        quadratic1d::Quadratic1d { lambda, center },
    )
}

fn double_well() -> Surface {
    Surface::curve(&double_well::KIND, double_well::DoubleWell { tilt: 0.3 })
}

/// GD on ½λ(x − c)²: x_k − c = (1 − lr·λ)^k·(x₀ − c), for a contracting and an oscillating
/// factor.
#[test]
fn gd_on_a_parabola_is_geometric_about_its_center() {
    for (lr, lambda, c, x0) in [(0.1, 1.0, 5.0, 0.0), (0.3, 6.0, -1.5, 2.0)] {
        let t = sim(gd::new(lr), &parabola(lambda, c), [x0, 0.0], 40);
        let factor: f64 = 1.0 - lr * lambda;
        for (k, p) in t.positions.iter().enumerate() {
            let expected = factor.powi(k as i32) * (x0 - c);
            assert_close(p[0] - c, expected, 1e-12, &format!("step {k}"));
            assert_eq!(p[1], 0.0, "a curve's runs stay on it");
        }
    }
}

/// The seed's ½(x − 5)² from 0 with lr 0.1 and β 0.9, worked by hand: x₁ = 0.5 for all three;
/// x₂ = 0.95 (GD), 1.4 (heavy ball), 1.355 (NAG's look-ahead to 0.95).
#[test]
fn hand_steps_on_the_seeds_parabola() {
    let f = parabola(1.0, 5.0);
    let gd = sim(gd::new(0.1), &f, [0.0, 0.0], 2);
    let hb = sim(momentum::velocity(0.1, 0.9), &f, [0.0, 0.0], 2);
    let nag = sim(nesterov::lookahead(0.1, 0.9), &f, [0.0, 0.0], 2);
    for (t, x2) in [(&gd, 0.95), (&hb, 1.4), (&nag, 1.355)] {
        assert_close(t.positions[1][0], 0.5, 1e-15, "x1");
        assert_close(t.positions[2][0], x2, 1e-15, "x2");
    }
    // NAG's second gradient is taken at the look-ahead point x₁ + β·v₁ = 0.95.
    assert_close(nag.gradient_points[1][0], 0.95, 1e-15, "look-ahead");
}

/// The heavy ball on a parabola follows w_{t+1} = (1 + β − lr·λ)·w_t − β·w_{t−1}.
#[test]
fn heavy_ball_on_a_parabola_follows_its_recurrence() {
    let (lr, beta, lambda, c) = (0.04, 0.9, 1.0, 0.5);
    let t = sim(
        momentum::velocity(lr, beta),
        &parabola(lambda, c),
        [2.0, 0.0],
        60,
    );
    let w: Vec<f64> = t.positions.iter().map(|p| p[0] - c).collect();
    // v₀ = 0: w₁ = (1 − lr·λ)·w₀.
    assert_close(w[1], (1.0 - lr * lambda) * w[0], 1e-14, "w1");
    for k in 1..60 {
        let next = (1.0 + beta - lr * lambda) * w[k] - beta * w[k - 1];
        assert_close(w[k + 1], next, 1e-12, &format!("w{}", k + 1));
    }
}

/// Newton in 1-D: x ← x − lr·f'/(f'' + damping). One full step lands on a parabola's center;
/// on the double well from x = 2 (f' = 24.3, f'' = 44 by hand) it steps to 2 − 24.3/44.
#[test]
fn newton_steps_in_x_alone_on_a_curve() {
    let t = sim(newton::new(1.0, 0.0), &parabola(3.0, -1.25), [4.0, 0.0], 2);
    assert_close(t.positions[1][0], -1.25, 1e-15, "one step");
    assert_close(t.positions[2][0], -1.25, 1e-15, "and it stays");
    let w = sim(newton::new(1.0, 0.0), &double_well(), [2.0, 0.0], 1);
    assert_close(w.positions[1][0], 2.0 - 24.3 / 44.0, 1e-15, "double well");
    let damped = sim(newton::new(0.5, 6.0), &double_well(), [2.0, 0.0], 1);
    assert_close(
        damped.positions[1][0],
        2.0 - 0.5 * 24.3 / 50.0,
        1e-15,
        "damped",
    );
    assert_eq!(w.positions[1][1], 0.0);
}

/// A curve's Hessian is singular only where f'' + damping is 0: x³ at 0.
#[test]
fn newton_on_a_curve_stops_where_the_second_derivative_vanishes() {
    let expr = Expr::parse("x^3").unwrap();
    let curve = Surface::curve(
        &formula::KIND,
        formula::FormulaCurve::with_minima(expr, vec![]),
    );
    let t = simulate(
        &run(newton::new(1.0, 0.0), [0.0, 0.0]),
        &curve,
        &huge_window(),
        5,
    );
    assert_eq!(
        t.diverged,
        Some(Divergence {
            step: 1,
            reason: StopReason::SingularHessian
        })
    );
    // Elsewhere it steps: from 1, x − 3x²/6x = x/2.
    let t = sim(newton::new(1.0, 0.0), &curve, [1.0, 0.0], 3);
    assert_close(t.positions[3][0], 0.125, 1e-15, "halving");
}

/// Noise on a curve: one sample per gradient, on x; every rule leaves the second coordinate at
/// exactly 0 (weight decay and noise included).
#[test]
fn noise_on_a_curve_is_one_sample_per_gradient_and_y_stays_zero() {
    let (lr, std, seed) = (0.05, 0.3, 99);
    let f = parabola(2.0, 1.0);
    let traj = simulate(
        &noisy(gd::new(lr), [3.0, 0.0], std, seed),
        &f,
        &huge_window(),
        20,
    );
    let mut stream = GaussianNoise::new(std, seed);
    for k in 0..20 {
        let (p, q) = (traj.positions[k][0], traj.positions[k + 1][0]);
        let noise = (p - q) / lr - 2.0 * (p - 1.0);
        assert!((noise - stream.sample()).abs() < 1e-10, "step {k}");
    }
    let rules = [
        momentum::pytorch_with_decay(0.05, 0.9, 0.0, 0.1),
        nesterov::pytorch(0.05, 0.9),
        adagrad::new(0.3, 0.0, 1e-10),
        rmsprop::new(0.05, 0.99, 1e-8),
        adam::new(0.05, 0.9, 0.999, 1e-8),
        adamw::new(0.05, 0.9, 0.999, 1e-8, 0.01, false),
        nadam::new(0.05, 0.9, 0.999, 1e-8, 0.0, 0.004),
        newton::new(0.5, 1.0),
    ];
    for o in rules {
        let t = simulate(
            &noisy(o, [1.7, 0.0], 0.5, 3),
            &double_well(),
            &huge_window(),
            50,
        );
        assert!(t.positions.len() > 10, "{o:?}");
        assert!(t.positions.iter().all(|p| p[1] == 0.0), "{o:?}: {t:?}");
    }
}

/// On a curve only x is bounded: a run that leaves the x range grown by the margin has
/// diverged, whatever the window's y says.
#[test]
fn a_curve_is_bounded_along_x_alone() {
    // The window's y does not contain 0: over the plane every step would be outside it.
    let window = Window::new((-2.0, 2.0), (5.0, 6.0));
    let t = simulate(
        &run(gd::new(0.1), [1.5, 0.0]),
        &parabola(1.0, 0.0),
        &window,
        30,
    );
    assert_eq!(t.diverged, None);
    let t = simulate(
        &run(gd::new(2.5), [1.5, 0.0]),
        &parabola(1.0, 0.0),
        &window,
        30,
    );
    assert!(
        matches!(t.diverged, Some(d) if d.reason == StopReason::LeftBound),
        "{t:?}"
    );
}
