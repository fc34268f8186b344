// The player's script: draws the step the reader asks for from the data the page carries.
// It computes nothing about optimizers: positions, losses, markers and texts are all in the
// data (see src/picture/player.rs and src/player/mod.rs); numbers are shown as the CSV writes
// them. No network, no storage, nothing outside this page.

// A number as the CSV writes it: Rust's shortest digits that read back as the same double,
// plain or with an exponent as Rust's `{:e}` writes it (1.8e-169), whichever is shorter, plain
// on a tie. JavaScript finds the same shortest digits but breaks an exact tie between two of
// them towards the even one, Rust towards the larger: that case is found exactly (BigInt
// arithmetic on the double's bits) and given Rust's digits.
function csvNumber(v) {
  if (Object.is(v, -0)) return "-0";
  if (v === 0) return "0";
  const sign = v < 0 ? "-" : "";
  const a = Math.abs(v);
  const [mantissa, exp = "0"] = String(a).split("e");
  const [whole, frac = ""] = mantissa.split(".");
  const all = whole + frac;
  let digits = all.replace(/^0+/, "");
  // The value is 0.DIGITS × 10^point.
  let point = whole.length + Number(exp) - (all.length - digits.length);
  digits = digits.replace(/0+$/, "");
  // a = m × 2^e exactly.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  let e = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (e === 0) e = 1; else m |= 1n << 52n;
  e -= 1075;
  // Is a exactly halfway between DIGITS and DIGITS + 1 (in the last place)?
  const p = point - digits.length;
  let left = 2n * m, right = 2n * BigInt(digits) + 1n;
  if (e >= 0) left <<= BigInt(e); else right <<= BigInt(-e);
  if (p >= 0) right *= 10n ** BigInt(p); else left *= 10n ** BigInt(-p);
  if (left === right) {
    const up = (BigInt(digits) + 1n).toString();
    point += up.length - digits.length;
    digits = up.replace(/0+$/, "");
  }
  let plain;
  if (point <= 0) plain = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) plain = digits + "0".repeat(point - digits.length);
  else plain = digits.slice(0, point) + "." + digits.slice(point);
  const scientific =
    digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (point - 1);
  return sign + (plain.length <= scientific.length ? plain : scientific);
}

(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("data").textContent);
  const pic = data.picture;
  const n = pic.steps;
  const $ = (id) => document.getElementById(id);
  const root = $("player");
  const NS = "http://www.w3.org/2000/svg";
  const play = $("play"), scrub = $("scrub"), counter = $("counter"), status = $("status");
  const speedBox = $("speed"), loopBox = $("loop");
  const runBoxes = Array.from(document.querySelectorAll("#readout .run"));
  const tagged = Array.from(document.querySelectorAll("#picture [data-run]"));

  let step = data.poster;
  let set = 0; // which set of visible runs the sliders choose
  let playing = false;
  let clock = 0; // seconds into the animation
  let rate = 1; // the speed
  let last = 0; // when the clock was last advanced, ms
  let timer = 0;

  const shown = (run) => run < 0 || data.visible[set][run] === 1;
  const number = csvNumber;

  const el = (name, attrs) => {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  };

  // The markers of one step: [kind, index, x, y, ...]; kind 0 places template mI, kind 1
  // composes text I from its glyphs.
  const place = (items) => {
    const out = [];
    for (let k = 0; k < items.length; k += 4) {
      const [kind, i, x, y] = items.slice(k, k + 4);
      if (kind === 0) {
        out.push(el("use", { href: "#m" + i, x, y }));
        continue;
      }
      const [fill, ...groups] = pic.texts[i];
      const g = el("g", { fill });
      for (const [s, ...glyphs] of groups) {
        for (let j = 0; j < glyphs.length; j += 3) {
          const gx = Math.round((x + glyphs[j + 1]) * 100) / 100;
          const gy = Math.round((y + glyphs[j + 2]) * 100) / 100;
          g.appendChild(el("use", {
            href: "#" + pic.glyphs[glyphs[j]],
            transform: `matrix(${s} 0 0 ${-s} ${gx} ${gy})`,
          }));
        }
      }
      out.push(g);
    }
    return out;
  };

  const drawPicture = () => {
    pic.trails.forEach((pieces, g) => {
      const paths = $("tr" + g).children;
      pieces.forEach(([run, start, pts], i) => {
        const p = paths[i];
        const count = shown(run) && step >= start ? Math.min(step - start + 2, pts.length / 2) : 0;
        if (p.count === count) return;
        p.count = count;
        if (count < 2) {
          p.removeAttribute("d");
          return;
        }
        let d = "M" + pts[0] + " " + pts[1];
        for (let k = 1; k < count; k++) d += "L" + pts[2 * k] + " " + pts[2 * k + 1];
        p.setAttribute("d", d);
      });
    });
    pic.tracks.forEach(([run, sets], t) => {
      const items = shown(run) ? sets[sets.length > 1 ? set : 0][step] : [];
      $("tk" + t).replaceChildren(...place(items));
    });
    for (const e of tagged) e.style.opacity = shown(Number(e.dataset.run)) ? "" : "0.25";
  };

  const drawReadout = () => {
    data.runs.forEach((r, i) => {
      const box = runBoxes[i];
      box.hidden = !shown(i);
      // A curve's runs have no y (and no y in the readout): its steps are along x.
      const cells = Array.from(box.querySelectorAll("dd"));
      const [x, y, f, length, lr] = r.y ? cells : [cells[0], null, ...cells.slice(1)];
      const at = step <= r.x.length - 1;
      x.textContent = at ? number(r.x[step]) : "—";
      if (y) y.textContent = at ? number(r.y[step]) : "—";
      f.textContent = at ? number(r.f[step]) : "—";
      if (at && step > 0) {
        const dx = r.x[step] - r.x[step - 1], dy = r.y ? r.y[step] - r.y[step - 1] : 0;
        length.textContent = number(Math.sqrt(dx * dx + dy * dy));
        lr.textContent = number(Array.isArray(r.lr) ? r.lr[step] : r.lr);
      } else {
        length.textContent = "—";
        lr.textContent = "—";
      }
      box.querySelector(".note").textContent = r.diverged !== null && step >= r.diverged ?
        `diverged at step ${r.diverged}` : "";
    });
  };

  const draw = () => {
    drawPicture();
    drawReadout();
    scrub.value = step;
    const words = `step ${step} of ${n}`;
    scrub.setAttribute("aria-valuetext", words);
    counter.textContent = `step ${step} / ${n}`;
    root.dataset.step = step;
    if (!playing) status.textContent = words;
  };

  const go = (k) => {
    step = Math.max(0, Math.min(n, k));
    clock = step / data.fps;
    draw();
  };

  // Frame i shows for 1/fps seconds, the last one for `hold` seconds more, as in the GIF. The
  // clock wakes only when the step changes (a timer, not every display frame: a step player
  // at 15 fps need not redraw 60 times a second).
  const length = () => (n + 1) / data.fps + data.hold;

  const advance = () => {
    const now = performance.now();
    clock += (now - last) / 1000 * rate;
    last = now;
  };

  const tick = () => {
    if (!playing) return;
    advance();
    if (clock >= length()) {
      if (!loopBox.checked) {
        pause();
        go(n);
        return;
      }
      clock %= length();
    }
    const k = Math.min(n, Math.floor(clock * data.fps + 1e-6));
    if (k !== step) {
      step = k;
      draw();
    }
    const next = step < n ? (step + 1) / data.fps : length();
    timer = setTimeout(tick, Math.max(1, (next - clock) / rate * 1000));
  };

  const setPlaying = (on) => {
    playing = on;
    root.dataset.playing = on;
    play.setAttribute("aria-label", on ? "Pause" : "Play");
    play.title = on ? "Pause (space)" : "Play (space)";
    play.classList.toggle("on", on);
  };

  const start = () => {
    if (playing) return;
    if (step >= n) go(0);
    clock = step / data.fps;
    setPlaying(true);
    last = performance.now();
    tick();
  };

  const pause = () => {
    clearTimeout(timer);
    setPlaying(false);
    status.textContent = `step ${step} of ${n}`;
  };

  speedBox.addEventListener("change", () => {
    if (playing) advance();
    rate = Number(speedBox.value);
    if (playing) {
      clearTimeout(timer);
      tick();
    }
  });

  const toggle = () => (playing ? pause() : start());
  const stepTo = (k) => {
    pause();
    go(k);
  };

  play.addEventListener("click", toggle);
  $("first").addEventListener("click", () => stepTo(0));
  $("back").addEventListener("click", () => stepTo(step - 1));
  $("forward").addEventListener("click", () => stepTo(step + 1));
  $("last").addEventListener("click", () => stepTo(n));
  scrub.addEventListener("input", () => stepTo(Number(scrub.value)));

  const sliders = data.sliders.map((s, i) => {
    const input = $("slider" + i), out = $("slider" + i + "-value");
    const show = () => {
      const text = `${s.label} = ${s.text[input.value]}`;
      out.textContent = s.text[input.value];
      input.setAttribute("aria-valuetext", text);
    };
    input.addEventListener("input", () => {
      show();
      set = sliders.reduce((acc, x, j) => acc * data.sliders[j].values.length + Number(x.value), 0);
      draw();
    });
    show();
    return input;
  });

  const captionButton = $("caption-toggle"), caption = $("caption");
  captionButton.addEventListener("click", () => {
    caption.hidden = !caption.hidden;
    captionButton.setAttribute("aria-expanded", String(!caption.hidden));
  });

  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const t = e.target;
    const native = t instanceof HTMLInputElement || t instanceof HTMLSelectElement ||
      t instanceof HTMLTextAreaElement;
    // Controls keep their own keys (a range its arrows, a checkbox its space); space on a
    // range plays or pauses.
    if (native && !(e.key === " " && t.type === "range")) return;
    const action = {
      " ": toggle,
      ArrowLeft: () => stepTo(step - 1),
      ArrowRight: () => stepTo(step + 1),
      Home: () => stepTo(0),
      End: () => stepTo(n),
    }[e.key];
    if (!action || (e.key === " " && t instanceof HTMLButtonElement)) return;
    e.preventDefault();
    action();
  });

  // Where to start: a step named in the address (#step=12) paused there; a reader who prefers
  // reduced motion paused on the poster; anyone else playing from the start.
  const named = /(?:^#|&)step=(\d+)/.exec(location.hash);
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  setPlaying(false);
  if (named) {
    go(Number(named[1]));
  } else if (still) {
    go(data.poster);
  } else {
    go(0);
    start();
  }
})();
