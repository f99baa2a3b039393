"""The selected neuron's equations with the step's own numbers put in.

Every result shown is the engine's, read from the step record. The only arithmetic
is presentation: the terms of a substitution such as wᵢ·aᵢ (see ``substitution``),
whose total the record already holds, and the digits each number is printed with.

Every equation closes with a calculator: its substitution holds only numbers the card
shows (a line above, or the line itself), each with the digits that make the line give
its printed result to within one unit of its last digit (``closing_digits``: the card's
lines are settled once, on the whole step, from the last line back, so a number reads
the same on every line, at every size and in every phase of a walk). That is why
one row is shown by default (row 1; ``j`` / ``k`` pick another): for one row every
step is a formula of numbers on screen. For the batch mean (one key
away) the nonlinear steps say what they are, "mean of σ(zᵢ)", because the mean of
σ(zᵢ) is not σ of the mean z, and carry no substitution. The loss line names the
reduction the gradient uses: the gradient shown is the gradient of the L shown.

Each equation is a row of pieces (see ``equation_layout``): when a row is too wide for
the pane it goes on over more lines where there is room (a sum of up to
``WHOLE_TERMS`` terms first of all), else its substitution is summarised (first terms,
the rest's count and total), then dropped, then the formula.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import fields, replace

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
from tui_backprop.engine.records import StepRecord
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import walk_of
from tui_backprop.ui.render.closing_digits import LINEAR, Book
from tui_backprop.ui.render.equation_layout import (
    DROP,
    LAST,
    SHORTEN,
    SUMMARISE,
    Equation,
    Piece,
    chosen_blocks,
    fit,
)
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
# how that f'(z) changes with a, which carries a's rounding into δ
SLOPE_CHANGE: dict[str, Callable[[float], float]] = {
    "sigmoid": lambda a: 1 - 2 * a,
    "tanh": lambda a: -2 * a,
}
# Why the output δ is ŷ − y: each output's loss is chosen so its f'(z) cancels
OUTPUT_DELTA_WHY = {
    "sigmoid": ("∂ℓ/∂ŷ·σ'(z) = (ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ) = ŷ − y", "(ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ) = ŷ − y"),
    "softmax": (
        "∂ℓ/∂z = −Σₖ yₖ·([k=j] − ŷⱼ) = ŷ − y, as the yₖ add up to 1",
        "−Σₖ yₖ·([k=j] − ŷⱼ) = ŷ − y",
    ),
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
WHOLE_TERMS = 4  # a sum this short shows every term, on two lines if it must
MARK = "▶ "
SETTLE_PASSES = 4  # a card's digits settle in one pass, and a chance coincidence in two
UNKNOWN = "?"
STYLES = {
    "lhs": "bold",
    "formula": "dim",
    "sub": "",
    "value": "bold",
    "list": "",
    "unknown": "dim italic",
}


def _formula(*variants: str, lead: str = " = ") -> Piece:
    """A formula in its long and short forms; it can be left out altogether."""
    texts = tuple(f"{lead}{v}" for v in variants)
    return Piece((*texts, ""), STYLES["formula"], (SHORTEN,) * (len(texts) - 1) + (LAST,))


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _heads(s: Sum) -> range:
    """How many terms each form of the sum writes out: all of them (when a line could
    hold them), then fewer, down to none."""
    n = len(s.left)
    return range(min(n, MAX_TERMS), -1 if n > 1 else 0, -1)


def _rest(s: Sum, head: int) -> float:
    with np.errstate(all="ignore"):  # a diverged run's terms may be inf
        return float(s.products[head:].sum())


def close_sum(book: Book, s: Sum, extra: list[tuple[float, float]] | None = None) -> None:
    """Close every form of the sum (see ``_heads``): its factors, the bracket's total
    and ``extra`` operands (value, |∂total/∂value|)."""
    if not book.settling:
        return
    left, right = s.left.tolist(), s.right.tolist()
    terms = [(x, s.scale * y) for x, y in zip(left, right, strict=True)]
    terms += [(y, s.scale * x) for x, y in zip(left, right, strict=True)]
    n = len(left)
    for head in _heads(s):  # a shorter form drops terms, and closes unless its bracket
        ops = terms[:head] + terms[n : n + head] + (extra or [])  # total needs digits
        if head < n:
            ops.append((_rest(s, head), s.scale))
        book.close(s.total, ops)


def _term_variants(s: Sum, book: Book) -> tuple[str, ...]:
    """All the terms, then fewer: the first ones and the rest's count and total (so
    the sum still adds up). Only the terms a line could hold are written out, however
    long the sum."""
    n = len(s.left)
    if n == 0:
        return ("0",)
    most = min(n, MAX_TERMS)
    written = [
        f"{book.factor(a)}·{book.factor(b)}"
        for a, b in zip(s.left[:most], s.right[:most], strict=True)
    ]
    out = []
    for head in _heads(s):
        terms = written[:head]
        if head < n:
            more = "more term" if head else "term"  # no head: the whole sum in one
            terms = [*terms, f"[{_count(n - head, more)}: {book.text(_rest(s, head))}]"]
        out.append(" + ".join(terms))
    # a variant is only worth it where it is shorter than every one before
    kept: list[str] = []
    for variant in out:
        if not kept or len(variant) < len(kept[-1]):
            kept.append(variant)
    return tuple(kept)


def substitution(s: Sum, book: Book, scale: str = "", offset: str = "") -> Piece:
    """The sum written out: `` = scale·(terms) + offset``, shortened, then left out."""
    variants = []
    for terms in _term_variants(s, book):
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
    book: Book,
    sub: Piece | None = None,
    detail: bool = False,
    lead: str = " = ",
) -> Equation:
    forms = (formula,) if isinstance(formula, str) else formula
    pieces = [Piece((lhs,), STYLES["lhs"]), _formula(*forms, lead=lead)]
    if value is None:
        pieces.append(Piece((f" = {UNKNOWN}",), STYLES["unknown"]))
        return Equation(kind, layer, tuple(pieces), known=False, detail=detail)
    if sub is not None and book.closes(value):
        pieces.append(sub)
    pieces.append(Piece((f" = {book.text(value)}",), STYLES["value"]))
    return Equation(kind, layer, tuple(pieces), detail=detail)


def _detail(kind: str, lhs: str, lead: str, value: float, sub: Piece, book: Book) -> Equation:
    """One weight's line under a list: its substitution, the formula being just above
    (a number that cannot be worked out closely, in a diverged run, alone)."""
    body = Piece(tuple(v.replace(" = ", lead, 1) for v in sub.variants), sub.style, sub.steps)
    if not book.closes(value):
        body = Piece(("",), sub.style)
    value_piece = Piece((f" = {book.text(value)}",), STYLES["value"])
    pieces = (Piece((lhs,), STYLES["lhs"]), body, value_piece)
    return Equation(kind, None, pieces, detail=True)


def _whole(eq: Equation, s: Sum | None) -> Equation:
    """A sum of at most ``WHOLE_TERMS`` terms is kept whole, over two lines if need be."""
    return replace(eq, whole=True) if s is not None and len(s.left) <= WHOLE_TERMS else eq


def _pick(values: Array | None, neuron: int) -> float | None:
    return None if values is None else float(values[neuron])


def weighted_input_equation(
    view: TrainingView, layer: int, neuron: int, book: Book
) -> list[Equation]:
    z_sum = weighted_input(view, layer, neuron)
    bias = view.record is not None and view.record.layers[layer - 1].b_before is not None
    z_sub = None
    if z_sum is not None:
        close_sum(book, z_sum, [(z_sum.offset, 1.0)] if bias else [])
        z_sub = substitution(z_sum, book, offset=_signed_term(book, z_sum.offset) if bias else "")
    formula = "Σ wᵢ·aᵢ" + (" + b" if bias else "")
    forms = (formula,) if row_of(view) is not None else (f"{formula}, of the rows' mean a", formula)
    total = None if z_sum is None else z_sum.total
    return [_whole(_eq(FORWARD, layer - 1, "z", forms, total, book, z_sub), z_sum)]


def _signed_term(book: Book, x: float) -> str:
    shown = book.text(x)
    return f" − {shown[1:]}" if shown.startswith("-") else f" + {shown}"


def activation_equation(view: TrainingView, layer: int, neuron: int, book: Book) -> list[Equation]:
    act = view.network.activations[layer]
    lhs = "ŷ" if layer == view.network.depth else "a"
    z, a = _pick(view.pre_activation(layer), neuron), _pick(view.activation(layer), neuron)
    if act == "linear":
        return [_eq(FORWARD, layer - 1, lhs, "z", a, book)]
    f = F.get(act, "f")
    if row_of(view) is None:  # f of a mean is not the mean of f: say which one this is
        rows = view.batch_rows
        forms = (f"mean of {f}(zᵢ) over {rows} rows", f"mean of {f}(zᵢ)")
        return [_eq(FORWARD, layer - 1, lhs, forms, a, book)]
    if act == "softmax":
        return [
            _eq(
                FORWARD,
                layer - 1,
                lhs,
                "e^zᵢ / Σⱼ e^zⱼ",
                a,
                book,
                _softmax_sub(view, layer, neuron, book),
            )
        ]
    sub = None
    if z is not None and a is not None:
        slope = _pick(view.derivative(layer), neuron)  # known to the settling view
        if slope is not None:
            book.close(a, [(z, slope)])
        sub = _short_sub(f"{f}({book.text(z)})")
    return [_eq(FORWARD, layer - 1, lhs, f"{f}(z)", a, book, sub)]


SOFTMAX_TERMS = 4  # outputs whose e^z a softmax line writes out (a calculator's line)
SOFTMAX_LARGEST = 100.0  # |z| beyond which exp(z) is not written out (e^100 ≈ 2.7e43)


def _softmax_sub(view: TrainingView, layer: int, neuron: int, book: Book) -> Piece | None:
    """'exp(z₁) / (exp(z₁) + exp(z₂))' in the row's printed z of every output, so ŷ
    can be worked out from the line alone (the other outputs' z are on their cards)."""
    zs, ys = view.pre_activation(layer), view.activation(layer)
    if zs is None or ys is None or not 2 <= len(zs) <= SOFTMAX_TERMS:
        return None
    if not np.all(np.abs(zs) <= SOFTMAX_LARGEST):  # exp() a calculator cannot take
        return None
    y = float(ys[neuron])
    # ∂ŷᵢ/∂zⱼ = ŷᵢ·([i = j] − ŷⱼ): how far each printed z may be from its float
    book.close(y, [(float(z), y * ((j == neuron) - float(ys[j]))) for j, z in enumerate(zs)])
    terms = [f"exp({book.text(float(z))})" for z in zs]
    return _short_sub(f"{terms[neuron]} / ({' + '.join(terms)})")


def loss_equations(view: TrainingView, layer: int, neuron: int, book: Book) -> list[Equation]:
    """The row's loss ℓ, then L, the loss the gradients are taken of: the rows' ℓ
    summed or averaged, as the run's reduction says."""
    walk = walk_of(view)
    rec = view.record
    known = rec is not None and (walk is None or walk.progress.loss_known)
    output = view.network.activations[-1]
    formula = OUTPUTS[output].formula if output in OUTPUTS else "loss(ŷ, y)"
    rows = view.batch_rows
    summed = rec is None or rec.reduction == "sum"
    sub = None
    if known and rec is not None and summed:
        book.close(rec.objective, [(rec.loss, rows)], LINEAR)
        sub = _short_sub(f"{rows}·{book.text(rec.loss)}")
    total = _eq(
        LOSS,
        None,
        "L",
        (f"Σ ℓ over {rows} rows = {rows}·mean ℓ", f"Σ ℓ over {rows} rows", "Σ ℓ")
        if summed
        else (f"mean of ℓ over {rows} rows", "mean of ℓ"),
        rec.objective if known and rec is not None else None,
        book,
        sub,
    )
    row = row_of(view)
    if row is None:
        if not summed:  # the mean ℓ is L itself
            return [total]
        mean = rec.loss if known and rec is not None else None
        forms = (f"mean over {rows} rows of {formula}", f"mean of {formula}", "mean of the rows' ℓ")
        return [_eq(LOSS, None, "ℓ", forms, mean, book), total]
    value = float(rec.row_losses[row]) if known and rec is not None else None
    row_sub = _row_loss(view, output, value, book) if value is not None else None
    return [_eq(LOSS, None, "ℓ", (formula, "loss(ŷ, y)"), value, book, row_sub), total]


def _row_loss(view: TrainingView, output: str, loss: float, book: Book) -> Piece | None:
    """The row's loss with its ŷ and y put in, where one output neuron's ŷ tells it."""
    y_hat, y = view.activation(view.network.depth), view.target()
    if y_hat is None or y is None:
        return None
    if output == "softmax":
        p = float(y_hat[int(y.argmax())])
        if p <= 0:  # saturated: the ℓ the engine took from z is not log(ŷ)'s
            return None
        book.close(loss, [(p, 1 / p)])
        return _short_sub(f"−log({book.text(p)})")
    if len(y_hat) != 1:
        return None
    p, t = float(y_hat[0]), float(y[0])
    if output == "linear":
        book.close(loss, [(p, p - t), (t, p - t)])
        return _short_sub(f"½({book.text(p)} − {book.factor(t)})²")
    if not 0 < p < 1:  # saturated: the ℓ the engine took from z is not log(ŷ)'s
        return None
    book.close(loss, _cross_entropy_operands(p, t))
    if t in (0.0, 1.0):
        return _short_sub(f"−log({book.text(p)})" if t else f"−log(1 − {book.text(p)})")
    shown = f"{book.factor(t)}·log({book.text(p)}) + {book.factor(1 - t)}·log(1 − {book.text(p)})"
    return _short_sub(f"−[{shown}]")


def _cross_entropy_operands(p: float, t: float) -> list[tuple[float, float]]:
    """ℓ = −[t·log p + (1 − t)·log(1 − p)]: its printed numbers and how ℓ changes with
    each (a target of 0 or 1 is exact and leaves one log)."""
    if t in (0.0, 1.0):
        return [(p, 1 / p if t else 1 / (1 - p))]
    return [(p, t / p - (1 - t) / (1 - p)), (t, math.log(p)), (1 - t, math.log(1 - p))]


def delta_equation(view: TrainingView, layer: int, neuron: int, book: Book) -> list[Equation]:
    if layer == view.network.depth:
        return [_output_delta(view, layer, neuron, book)]
    return [_hidden_delta(view, layer, neuron, book)]


def _output_delta(view: TrainingView, layer: int, neuron: int, book: Book) -> Equation:
    """δ = ŷ − y, with the step that makes it so where the line has room."""
    a, y = _pick(view.activation(layer), neuron), _pick(view.target(), neuron)
    delta = _pick(view.delta(layer), neuron)
    sub = None
    if a is not None and y is not None and delta is not None:
        book.close(delta, [(a, 1.0), (y, 1.0)], LINEAR)
        sub = _short_sub(f"{book.text(a)} − {book.factor(y)}")
    why = OUTPUT_DELTA_WHY.get(view.network.activations[layer], ())
    return _eq(OUTPUT_DELTA, layer - 1, "δ", (*why, "ŷ − y"), delta, book, sub)


def _hidden_delta(view: TrainingView, layer: int, neuron: int, book: Book) -> Equation:
    """δ = f'(z)·Σ w·δ_next, f'(z) written with the a above it where it can be."""
    act = view.network.activations[layer]
    prime = DERIVATIVE.get(act, "f'(z)")
    s = hidden_delta(view, layer, neuron)
    if s is None:
        forms: tuple[str, ...] = (f"{prime}·Σ w·δ_next",)
        if row_of(view) is None:
            mean = f"mean of {prime}·Σ w·δ_next"
            forms = (f"{mean} over {view.batch_rows} rows", mean)
        return _eq(HIDDEN_DELTA, layer - 1, "δ", forms, _pick(view.delta(layer), neuron), book)
    slope, scale = SLOPE.get(act, (prime, "{s}"))
    forms = (f"{prime}·Σ w·δ_next",)
    if slope != prime:
        forms = (f"{prime}·Σ w·δ_next = {slope}·Σ w·δ_next", f"{slope}·Σ w·δ_next")
    forms = (*forms, f"{prime.removesuffix('(z)')}·Σ w·δ")
    a = _pick(view.activation(layer), neuron)
    weighed = float(s.products.sum())  # Σ w·δ_next
    # the slope is printed through a where it can be, else as itself
    if a is not None:
        change = SLOPE_CHANGE.get(act)
        close_sum(book, s, [(a, change(a) * weighed) if change else (s.scale, weighed)])
    shown = scale.format(a=UNKNOWN if a is None else book.factor(a), s=book.text(s.scale))
    eq = _eq(HIDDEN_DELTA, layer - 1, "δ", forms, s.total, book, substitution(s, book, shown))
    return _whole(eq, s)


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


def gradient_equations(view: TrainingView, layer: int, neuron: int, book: Book) -> list[Equation]:
    rec = view.record
    rows = 0 if rec is None else len(rec.rows)
    mean = rec is not None and rec.reduction == "mean"
    l2 = rec.l2 if rec is not None else view.config.l2 if view.config is not None else 0.0
    formula = (
        (f"(1/{rows})·" if mean else "")
        + f"Σ a·δ over {rows} rows"
        + (" + λ·w (the gradient of the L2 penalty ½λ·Σw²)" if l2 else "")
    )
    if rec is None or not _known(view, GRADIENTS):
        return [_eq(GRADIENTS, None, "∂L/∂w", formula, None, book)]
    lay = rec.layers[layer - 1]
    first = weight_gradient(view, layer, 0, neuron)
    assert first is not None
    first = _row_first(first, row_of(view))
    w = float(lay.w_before[0, neuron])
    close_sum(book, first, [(w, l2)] if l2 else [])
    values = [float(g) for g in lay.grad_w[:, neuron]]
    if lay.grad_b is not None:
        values.append(float(lay.grad_b[neuron]))
    pieces = (
        Piece(("∂L/∂w",), STYLES["lhs"]),
        _colon(formula),
        _listing(_incoming(view, layer), [book.text(v) for v in values]),
    )
    name = view.network.labels[layer - 1][0][:LABEL]
    scale = f"1/{rows}" if mean else ""
    offset = f" + {l2:g}·{book.factor(w)}" if l2 else ""
    detail = _detail(
        GRADIENTS,
        f"  ∂L/∂w({name})",
        " = ",
        first.total,
        substitution(first, book, scale, offset),
        book,
    )
    return [Equation(GRADIENTS, None, pieces), detail]


def _row_first(s: Sum, row: int | None) -> Sum:
    """The sum over rows with the row shown as its first term: the one whose a and δ
    the lines above show."""
    if not row:
        return s
    order = [row, *range(row), *range(row + 1, len(s.left))]
    return replace(s, left=s.left[order], right=s.right[order])


def update_equations(view: TrainingView, layer: int, neuron: int, book: Book) -> list[Equation]:
    rec = view.record
    # the step's own rule: a past epoch may have used another optimiser than now
    optimizer = rec.optimizer if rec is not None else (view.config.optimizer if view.config else "")
    rule = UPDATE_RULE.get(optimizer, "w − step(∂L/∂w)")
    l1 = rec.l1 if rec is not None else view.config.l1 if view.config is not None else 0.0
    if l1:  # the L1 step after the update (see engine.regularization)
        rule += L1_RULE
    if rec is None or not _known(view, UPDATE):
        return [_eq(UPDATE, None, "w", rule, None, book, lead=" ← ")]
    lay = rec.layers[layer - 1]
    before = [float(w) for w in lay.w_before[:, neuron]]
    after = [float(w) for w in lay.w_after[:, neuron]]
    if lay.b_before is not None and lay.b_after is not None:
        before.append(float(lay.b_before[neuron]))
        after.append(float(lay.b_after[neuron]))
    out = []
    if optimizer == "sgd":
        out.append(_worked_update(view, layer, neuron, book))
    moved = [
        book.text(w) + ("▲" if w > b else "▼" if w < b else " ")
        for b, w in zip(before, after, strict=True)
    ]
    pieces = (
        Piece(("w",), STYLES["lhs"]),
        _colon(rule, " ← "),
        _listing(_incoming(view, layer), moved),
    )
    return [Equation(UPDATE, None, pieces), *out]


def _worked_update(view: TrainingView, layer: int, neuron: int, book: Book) -> Equation:
    """The first weight's SGD update in numbers, and the L1 step after it if any."""
    rec = view.record
    assert rec is not None
    lay = rec.layers[layer - 1]
    w, grad = float(lay.w_before[0, neuron]), float(lay.grad_w[0, neuron])
    after, lr, l1 = float(lay.w_after[0, neuron]), rec.lr, rec.l1
    stepped = w - lr * grad  # the weight after the loss step
    crossed = bool(l1) and after == 0 and stepped != 0  # the L1 step's zeroing
    if crossed:  # the loss step's result is printed in sign(…): it must close too
        book.close(stepped, [(w, 1.0), (grad, lr)], LINEAR)
    else:
        book.close(after, [(w, 1.0), (grad, lr)] + ([(lr * l1, 1.0)] if l1 else []), LINEAR)
    worked = f" = {book.factor(w)} − {lr:g}·{book.factor(grad)}"
    texts = [worked]
    if l1:  # then η·λ₁ as one number
        sign = book.text(w if np.sign(w) == np.sign(stepped) else stepped)
        texts = [
            f"{worked} − {lr:g}·{l1:g}·sign({sign})",
            f"{worked} − {book.text(lr * l1)}·sign({sign})",
        ]
    sub = Piece((*texts, ""), STYLES["sub"], (SUMMARISE,) * (len(texts) - 1) + (DROP,))
    name = view.network.labels[layer - 1][0][:LABEL]
    line = _detail(UPDATE, f"  w({name})", " ← ", after, sub, book)
    if crossed:  # said where it acts
        value = Piece((" = 0 (crossed 0)",), STYLES["value"])
        line = replace(line, pieces=(*line.pieces[:-1], value))
    return line


def settled_view(view: TrainingView) -> TrainingView:
    """The view with every number of its step known: the card's digits are settled on
    it, so a walk prints each number as the finished epoch does."""
    if walk_of(view) is None:
        return view
    return TrainingView(**{f.name: getattr(view, f.name) for f in fields(TrainingView)})


Builder = Callable[[TrainingView, int, int, Book], list[Equation]]
BUILDERS: tuple[Builder, ...] = (
    weighted_input_equation,
    activation_equation,
    loss_equations,
    delta_equation,
    gradient_equations,
    update_equations,
)


_BOOKS: dict[tuple[int, int | None, int, int], tuple[StepRecord, Book]] = {}
BOOKS_KEPT = 32  # cards settled lately: the same card drawn again, at another size


def _book(view: TrainingView, layer: int, neuron: int) -> Book:
    """The card's digits, settled on the whole step (see ``closing_digits``), once
    for every size and phase it is drawn at."""
    rec = view.record
    key = (id(rec), view.sample, layer, neuron)
    kept = _BOOKS.get(key)
    if rec is not None and kept is not None and kept[0] is rec:
        return kept[1]
    book = Book()
    whole = settled_view(view)
    # the lines that take a number first; again while a number two lines share (the
    # same value by chance) was raised after the line that computes it was closed
    for _ in range(SETTLE_PASSES):
        book.changed = False
        for build in reversed(BUILDERS):
            build(whole, layer, neuron, book)
        if not book.changed:
            break
    book.settling = False
    if rec is not None:
        if len(_BOOKS) >= BOOKS_KEPT:
            del _BOOKS[next(iter(_BOOKS))]
        _BOOKS[key] = (rec, book)
    return book


def equations(view: TrainingView, layer: int, neuron: int) -> list[Equation]:
    """Every equation of one step through the neuron, in the order backprop does them,
    each number printed with the decimals that make its lines close (``closing_digits``)."""
    book = _book(view, layer, neuron)
    walk = walk_of(view)
    loss = layer == view.network.depth or (walk is not None and walk.phase.kind == LOSS)
    return [
        eq
        for build in BUILDERS
        if loss or build is not loss_equations
        for eq in build(view, layer, neuron, book)
    ]


# -- on screen ------------------------------------------------------------------


def render(view: TrainingView, layer: int, neuron: int, width: int, rows: int) -> Text:
    """The neuron's equations in ``rows`` lines of ``width`` cells; the phase being
    walked through (if any) is marked."""
    return card(view, layer, neuron, width, rows)[0]


def card(view: TrainingView, layer: int, neuron: int, width: int, rows: int) -> tuple[Text, int]:
    """``render``, and how many of the neuron's main equations found no room."""
    walk = walk_of(view)
    phase = walk.phase if walk is not None else None
    out = Text(no_wrap=True, overflow="ellipsis")
    room = width - len(MARK)
    lines, left = chosen_blocks(equations(view, layer, neuron), phase, rows, room)
    for k, eq in enumerate(lines):
        active = eq.active(phase)
        out.append(MARK if active and not eq.tail else "  ", "bold yellow")
        line = fit(eq, room)
        if active:
            line.stylize("bold")
        out.append_text(line)
        if k < len(lines) - 1:
            out.append("\n")
    return out, left
