"""The selected neuron's equations with the step's own numbers put in.

Every result shown is the engine's, read from the step record. The only arithmetic
is presentation: the terms of a substitution such as wᵢ·aᵢ (see ``substitution``),
whose total the record already holds.

Every equation closes by hand: its substitution holds only numbers the card shows
(a line above, or the line itself), so a learner can recompute it to the printed
precision. That is why one row is shown by default (row 1; ``j`` / ``k`` pick another):
for one row every step is a formula of numbers on screen. For the batch mean (one key
away) the nonlinear steps say what they are, "mean of σ(zᵢ)", because the mean of
σ(zᵢ) is not σ of the mean z, and carry no substitution. The loss line names the
reduction the gradient uses: the gradient shown is the gradient of the L shown.

Each equation is a row of pieces (see ``equation_layout``): when a row is too wide for
the pane its substitution is summarised first (first terms, the rest's count and
total, the last term), then dropped, then the formula.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from rich.text import Text

from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.phases import (
    FORWARD,
    GRADIENTS,
    HIDDEN_DELTA,
    LOSS,
    OUTPUT_DELTA,
    UPDATE,
)
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import walk_of
from tui_backprop.ui.render.equation_layout import (
    DROP,
    LAST,
    SHORTEN,
    SUMMARISE,
    Equation,
    Piece,
    chosen_lines,
    fit,
)
from tui_backprop.ui.render.numbers import short
from tui_backprop.ui.render.substitution import (
    Sum,
    hidden_delta,
    row_of,
    weight_gradient,
    weighted_input,
)

F = {"sigmoid": "σ", "tanh": "tanh", "relu": "relu", "leaky_relu": "leaky", "softmax": "softmax"}
DERIVATIVE = {
    "sigmoid": "σ'(z)",
    "tanh": "tanh'(z)",
    "relu": "relu'(z)",
    "leaky_relu": "leaky'(z)",
    "linear": "1",
}
# f'(z) written with the neuron's own a, where it has such a form: σ' = a(1−a)
SLOPE = {"sigmoid": ("a(1−a)", "{a}·(1 − {a})"), "tanh": ("(1−a²)", "(1 − {a}²)")}
# Why the output δ is ŷ − y: each output's loss is chosen so its f'(z) cancels
OUTPUT_DELTA_WHY = {
    "sigmoid": ("∂ℓ/∂ŷ·σ'(z) = (ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ) = ŷ − y", "(ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ) = ŷ − y"),
    "softmax": ("∂ℓ/∂z = −Σₖ yₖ·([k=j] − ŷⱼ) = ŷ − y, as Σ y = 1", "−Σₖ yₖ·([k=j] − ŷⱼ) = ŷ − y"),
    "linear": ("∂ℓ/∂ŷ·1 = (ŷ − y)·1 = ŷ − y", "(ŷ − y)·1 = ŷ − y"),
}
UPDATE_RULE = {
    "sgd": "w − η·∂L/∂w",
    "momentum": "w + v,  v ← μ·v − η·∂L/∂w",
    "adam": "w − η·m̂/(√v̂ + ε)",
}
L1_RULE = " − η·λ₁·sign(w), 0 if it crosses 0"
LABEL = 8  # a weight's source name, at most
MAX_TERMS = 24  # more than a line can hold: longer sums and lists are summarised
MARK = "▶ "
UNKNOWN = "?"
STYLES = {
    "lhs": "bold",
    "formula": "dim",
    "sub": "",
    "value": "bold",
    "list": "",
    "unknown": "dim italic",
}


def num(x: float, digits: int = 3) -> str:
    """A factor of a substitution: three significant digits, negatives in parentheses."""
    text = f"{x:.{digits}g}"
    return f"({text})" if x < 0 else text


def _formula(*variants: str, lead: str = " = ") -> Piece:
    """A formula in its long and short forms; it can be left out altogether."""
    texts = tuple(f"{lead}{v}" for v in variants)
    return Piece((*texts, ""), STYLES["formula"], (SHORTEN,) * (len(texts) - 1) + (LAST,))


def _term_variants(s: Sum) -> tuple[str, ...]:
    """All the terms, then fewer: the first ones and the rest's count and total (so
    the sum still adds up), each with three digits and then two. Only the terms a line
    could hold are written out, however long the sum."""
    n = len(s.left)
    if n == 0:
        return ("0",)
    most = min(n, MAX_TERMS)
    # each term written once per precision (the variants are its prefixes)
    written = {
        d: [
            f"{num(float(a), d)}·{num(float(b), d)}"
            for a, b in zip(s.left[:most], s.right[:most], strict=True)
        ]
        for d in (3, 2)
    }
    out = []
    for head in range(most, -1 if n > 1 else 0, -1):
        for digits in (3, 2):
            terms = written[digits][:head]
            if head < n:
                more = "more term" if head else "term"  # no head: the whole sum in one
                terms = [
                    *terms,
                    f"[{_count(n - head, more)}: {float(s.products[head:].sum()):.{digits}g}]",
                ]
            out.append(" + ".join(terms))
    # a variant is only worth it where it is shorter than every one before (a short
    # last term is)
    kept: list[str] = []
    for variant in out:
        if not kept or len(variant) < len(kept[-1]):
            kept.append(variant)
    return tuple(kept)


def _factor(x: float) -> str:
    """A number as a line above prints it, in parentheses when negative."""
    return f"({short(x)})" if x < 0 else short(x)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def substitution(s: Sum, scale: str = "", offset: str = "") -> Piece:
    """The sum written out: `` = scale·(terms) + offset``, shortened, then left out."""
    variants = []
    for terms in _term_variants(s):
        lone = " + " not in terms
        body = terms if not scale else f"{scale}·{terms}" if lone else f"{scale}·({terms})"
        variants.append(f" = {body}{offset}")
    return Piece((*variants, ""), STYLES["sub"], (SUMMARISE,) * (len(variants) - 1) + (DROP,))


def _short_sub(text: str) -> Piece:
    """A substitution with nothing to summarise: all of it or none."""
    return Piece((f" = {text}", ""), STYLES["sub"], (DROP,))


def _eq(
    kind: str,
    layer: int | None,
    lhs: str,
    formula: str | tuple[str, ...],
    value: float | None,
    sub: Piece | None = None,
    detail: bool = False,
    lead: str = " = ",
) -> Equation:
    forms = (formula,) if isinstance(formula, str) else formula
    pieces = [Piece((lhs,), STYLES["lhs"]), _formula(*forms, lead=lead)]
    if value is None:
        pieces.append(Piece((f" = {UNKNOWN}",), STYLES["unknown"]))
        return Equation(kind, layer, tuple(pieces), known=False, detail=detail)
    if sub is not None:
        pieces.append(sub)
    pieces.append(Piece((f" = {short(value)}",), STYLES["value"]))
    return Equation(kind, layer, tuple(pieces), detail=detail)


def _detail(kind: str, lhs: str, lead: str, value: float, sub: Piece) -> Equation:
    """One weight's line under a list: its substitution, the formula being just above."""
    body = Piece(tuple(v.replace(" = ", lead, 1) for v in sub.variants), sub.style, sub.steps)
    pieces = (Piece((lhs,), STYLES["lhs"]), body, Piece((f" = {short(value)}",), STYLES["value"]))
    return Equation(kind, None, pieces, detail=True)


def _pick(values: Array | None, neuron: int) -> float | None:
    return None if values is None else float(values[neuron])


def forward_equations(view: TrainingView, layer: int, neuron: int) -> list[Equation]:
    act = view.network.activations[layer]
    out = layer == view.network.depth
    z_sum = weighted_input(view, layer, neuron)
    bias = view.record is not None and view.record.layers[layer - 1].b_before is not None
    z_sub = None
    if z_sum is not None:
        z_sub = substitution(z_sum, offset=_signed_term(z_sum.offset) if bias else "")
    formula = "Σ wᵢ·aᵢ" + (" + b" if bias else "")
    forms = (formula,) if row_of(view) is not None else (f"{formula}, of the rows' mean a", formula)
    z = _eq(FORWARD, layer - 1, "z", forms, None if z_sum is None else z_sum.total, z_sub)
    return [z, _activation(view, layer, neuron, act, "ŷ" if out else "a")]


def _signed_term(x: float) -> str:
    return f" − {-x:.3g}" if x < 0 else f" + {x:.3g}"


def _activation(view: TrainingView, layer: int, neuron: int, act: str, lhs: str) -> Equation:
    z, a = _pick(view.pre_activation(layer), neuron), _pick(view.activation(layer), neuron)
    if act == "linear":
        return _eq(FORWARD, layer - 1, lhs, "z", a)
    f = F.get(act, "f")
    if row_of(view) is None:  # f of a mean is not the mean of f: say which one this is
        rows = view.batch_rows
        forms = (f"mean of {f}(zᵢ) over {rows} rows", f"mean of {f}(zᵢ)")
        return _eq(FORWARD, layer - 1, lhs, forms, a)
    if act == "softmax":
        return _eq(FORWARD, layer - 1, lhs, "e^zᵢ / Σⱼ e^zⱼ", a)
    sub = None if z is None else _short_sub(f"{f}({short(z)})")
    return _eq(FORWARD, layer - 1, lhs, f"{f}(z)", a, sub)


def loss_equations(view: TrainingView) -> list[Equation]:
    """The row's loss ℓ, then L, the loss the gradients are taken of: the rows' ℓ
    summed or averaged, as the run's reduction says."""
    walk = walk_of(view)
    rec = view.record
    known = rec is not None and (walk is None or walk.progress.loss_known)
    output = view.network.activations[-1]
    formula = OUTPUTS[output].formula if output in OUTPUTS else "loss(ŷ, y)"
    rows = view.batch_rows
    summed = rec is None or rec.reduction == "sum"
    total = _eq(
        LOSS,
        None,
        "L",
        (f"Σ ℓ over {rows} rows = {rows}·mean ℓ", f"Σ ℓ over {rows} rows", "Σ ℓ")
        if summed
        else (f"mean of ℓ over {rows} rows", "mean of ℓ"),
        rec.objective if known and rec is not None else None,
        _short_sub(f"{rows}·{short(rec.loss)}") if known and rec is not None and summed else None,
    )
    row = row_of(view)
    if row is None:
        if not summed:  # the mean ℓ is L itself
            return [total]
        mean = rec.loss if known and rec is not None else None
        forms = (f"mean over {rows} rows of {formula}", f"mean of {formula}", "mean of the rows' ℓ")
        return [_eq(LOSS, None, "ℓ", forms, mean), total]
    value = float(rec.row_losses[row]) if known and rec is not None else None
    sub = _row_loss(view, output) if value is not None else None
    return [_eq(LOSS, None, "ℓ", (formula, "loss(ŷ, y)"), value, sub), total]


def _row_loss(view: TrainingView, output: str) -> Piece | None:
    """The row's loss with its ŷ and y put in, where one output neuron's ŷ tells it."""
    y_hat, y = view.activation(view.network.depth), view.target()
    if y_hat is None or y is None:
        return None
    if output == "softmax":
        true = int(y.argmax())
        return _short_sub(f"−log({short(float(y_hat[true]))})")
    if len(y_hat) != 1:
        return None
    p, t = short(float(y_hat[0])), float(y[0])
    if output == "linear":
        return _short_sub(f"½({p} − {num(t)})²")
    if t in (0.0, 1.0):
        return _short_sub(f"−log({p})" if t else f"−log(1 − {p})")
    return _short_sub(f"−[{num(t)}·log({p}) + {num(1 - t)}·log(1 − {p})]")


def delta_equation(view: TrainingView, layer: int, neuron: int) -> Equation:
    if layer == view.network.depth:
        return _output_delta(view, layer, neuron)
    return _hidden_delta(view, layer, neuron)


def _output_delta(view: TrainingView, layer: int, neuron: int) -> Equation:
    """δ = ŷ − y, with the step that makes it so where the line has room."""
    a, y = _pick(view.activation(layer), neuron), _pick(view.target(), neuron)
    sub = None if a is None or y is None else _short_sub(f"{short(a)} − {num(y)}")
    why = OUTPUT_DELTA_WHY.get(view.network.activations[layer], ())
    return _eq(OUTPUT_DELTA, layer - 1, "δ", (*why, "ŷ − y"), _pick(view.delta(layer), neuron), sub)


def _hidden_delta(view: TrainingView, layer: int, neuron: int) -> Equation:
    """δ = f'(z)·Σ w·δ_next, f'(z) written with the a above it where it can be."""
    act = view.network.activations[layer]
    prime = DERIVATIVE.get(act, "f'(z)")
    s = hidden_delta(view, layer, neuron)
    if s is None:
        forms: tuple[str, ...] = (f"{prime}·Σ w·δ_next",)
        if row_of(view) is None:
            mean = f"mean of {prime}·Σ w·δ_next"
            forms = (f"{mean} over {view.batch_rows} rows", mean)
        return _eq(HIDDEN_DELTA, layer - 1, "δ", forms, _pick(view.delta(layer), neuron))
    slope, scale = SLOPE.get(act, (prime, "{s}"))
    forms = (f"{prime}·Σ w·δ_next",)
    if slope != prime:
        forms = (f"{prime}·Σ w·δ_next = {slope}·Σ w·δ_next", f"{slope}·Σ w·δ_next")
    forms = (*forms, f"{prime.removesuffix('(z)')}·Σ w·δ")
    a = _pick(view.activation(layer), neuron)
    shown = scale.format(a=UNKNOWN if a is None else _factor(a), s=f"{s.scale:.4g}")
    return _eq(HIDDEN_DELTA, layer - 1, "δ", forms, s.total, substitution(s, scale=shown))


def _known(view: TrainingView, kind: str) -> bool:
    walk = walk_of(view)
    if view.record is None:
        return False
    if walk is None:
        return True
    return walk.progress.gradients_known if kind == GRADIENTS else walk.progress.updated


def _colon(formula: str, lead: str = " = ") -> Piece:
    """A formula that a list of values follows."""
    return Piece((f"{lead}{formula}: ", ": "), STYLES["formula"], (LAST,))


def _listing(names: list[str], values: list[str]) -> Piece:
    """``name value`` pairs, then fewer of them and a count of the rest."""
    pairs = [f"{n[:LABEL]} {v}" for n, v in zip(names[:MAX_TERMS], values[:MAX_TERMS], strict=True)]
    variants = ["  ".join(pairs)] if len(names) <= MAX_TERMS else []
    for k in range(min(len(names) - 1, MAX_TERMS), 0, -1):
        variants.append("  ".join(pairs[:k]) + f"  … +{len(names) - k} more")
    return Piece(tuple(variants), STYLES["list"], (DROP,) * (len(variants) - 1))


def _incoming(view: TrainingView, layer: int) -> list[str]:
    names = list(view.network.labels[layer - 1])
    rec = view.record
    if rec is not None and rec.layers[layer - 1].grad_b is not None:
        names.append("b")
    return names


def gradient_equations(view: TrainingView, layer: int, neuron: int) -> list[Equation]:
    rec = view.record
    rows = 0 if rec is None else len(rec.rows)
    mean = rec is not None and rec.reduction == "mean"
    l2 = rec.l2 if rec is not None else view.config.l2 if view.config is not None else 0.0
    formula = (
        (f"(1/{rows})·" if mean else "") + f"Σ a·δ over {rows} rows" + (" + λ·w" if l2 else "")
    )
    if rec is None or not _known(view, GRADIENTS):
        return [_eq(GRADIENTS, None, "∂L/∂w", formula, None)]
    lay = rec.layers[layer - 1]
    values = [float(g) for g in lay.grad_w[:, neuron]]
    if lay.grad_b is not None:
        values.append(float(lay.grad_b[neuron]))
    pieces = (
        Piece(("∂L/∂w",), STYLES["lhs"]),
        _colon(formula),
        _listing(_incoming(view, layer), [short(v) for v in values]),
    )
    first = weight_gradient(view, layer, 0, neuron)
    assert first is not None
    first = _row_first(first, row_of(view))
    name = view.network.labels[layer - 1][0][:LABEL]
    scale = f"1/{rows}" if mean else ""
    offset = f" + {l2:g}·{num(float(lay.w_before[0, neuron]))}" if l2 else ""
    detail = _detail(
        GRADIENTS, f"  ∂L/∂w({name})", " = ", first.total, substitution(first, scale, offset)
    )
    return [Equation(GRADIENTS, None, pieces), detail]


def _row_first(s: Sum, row: int | None) -> Sum:
    """The sum over rows with the row shown as its first term: the one whose a and δ
    the lines above show."""
    if not row:
        return s
    order = [row, *range(row), *range(row + 1, len(s.left))]
    return replace(s, left=s.left[order], right=s.right[order])


def update_equations(view: TrainingView, layer: int, neuron: int) -> list[Equation]:
    rec = view.record
    # the step's own rule: a past epoch may have used another optimiser than now
    optimizer = rec.optimizer if rec is not None else (view.config.optimizer if view.config else "")
    rule = UPDATE_RULE.get(optimizer, "w − step(∂L/∂w)")
    l1 = rec.l1 if rec is not None else view.config.l1 if view.config is not None else 0.0
    if l1:  # the L1 step after the update (see engine.regularization)
        rule += L1_RULE
    if rec is None or not _known(view, UPDATE):
        return [_eq(UPDATE, None, "w", rule, None, lead=" ← ")]
    lay = rec.layers[layer - 1]
    before = [float(w) for w in lay.w_before[:, neuron]]
    after = [float(w) for w in lay.w_after[:, neuron]]
    if lay.b_before is not None and lay.b_after is not None:
        before.append(float(lay.b_before[neuron]))
        after.append(float(lay.b_after[neuron]))
    moved = [
        short(w) + ("▲" if w > b else "▼" if w < b else " ")
        for b, w in zip(before, after, strict=True)
    ]
    pieces = (
        Piece(("w",), STYLES["lhs"]),
        _colon(rule, " ← "),
        _listing(_incoming(view, layer), moved),
    )
    out = [Equation(UPDATE, None, pieces)]
    if optimizer == "sgd":
        name = view.network.labels[layer - 1][0][:LABEL]
        grad = float(lay.grad_w[0, neuron])
        stepped = before[0] - rec.lr * grad  # the weight after the loss step
        texts = [_worked(before[0], grad, rec.lr, "", 3)]
        if l1:  # then two digits where three do not fit, then η·λ₁ as one number
            sign = [_sign_of(before[0], stepped, d) for d in (3, 2)]
            texts = [
                _worked(before[0], grad, rec.lr, f"{rec.lr:g}·{l1:g}·sign({sign[0]})", 3),
                _worked(before[0], grad, rec.lr, f"{rec.lr:g}·{l1:g}·sign({sign[1]})", 2),
                _worked(before[0], grad, rec.lr, f"{rec.lr * l1:.3g}·sign({sign[1]})", 2),
            ]
        sub = Piece((*texts, ""), STYLES["sub"], (SUMMARISE,) * (len(texts) - 1) + (DROP,))
        line = _detail(UPDATE, f"  w({name})", " ← ", after[0], sub)
        if l1 and after[0] == 0 and stepped != 0:  # the L1 step's zeroing, said where it acts
            value = Piece((" = 0 (crossed 0)",), STYLES["value"])
            line = replace(line, pieces=(*line.pieces[:-1], value))
        out.append(line)
    return out


def _worked(before: float, grad: float, lr: float, l1_step: str, digits: int) -> str:
    """An SGD update written out, and the L1 step after it if there is one."""
    text = f" = {num(before, digits)} − {lr:g}·{num(grad, digits)}"
    return f"{text} − {l1_step}" if l1_step else text


def _sign_of(before: float, moved: float, digits: int) -> str:
    """What the L1 step takes the sign of, the weight after the loss step, written as
    the weight before where their signs agree so the line holds only numbers shown."""
    return f"{before if np.sign(before) == np.sign(moved) else moved:.{digits}g}"


def equations(view: TrainingView, layer: int, neuron: int) -> list[Equation]:
    """Every equation of one step through the neuron, in the order backprop does them."""
    walk = walk_of(view)
    out = forward_equations(view, layer, neuron)
    if layer == view.network.depth or (walk is not None and walk.phase.kind == LOSS):
        out += loss_equations(view)
    out.append(delta_equation(view, layer, neuron))
    return out + gradient_equations(view, layer, neuron) + update_equations(view, layer, neuron)


# -- on screen ------------------------------------------------------------------


def render(view: TrainingView, layer: int, neuron: int, width: int, rows: int) -> Text:
    """The neuron's equations in ``rows`` lines of ``width`` cells; the phase being
    walked through (if any) is marked."""
    walk = walk_of(view)
    phase = walk.phase if walk is not None else None
    out = Text(no_wrap=True, overflow="ellipsis")
    room = width - len(MARK)
    lines = chosen_lines(equations(view, layer, neuron), phase, rows, room)
    for k, eq in enumerate(lines):
        active = eq.active(phase)
        out.append(MARK if active and not eq.tail else "  ", "bold yellow")
        line = fit(eq, room)
        if active:
            line.stylize("bold")
        out.append_text(line)
        if k < len(lines) - 1:
            out.append("\n")
    return out
