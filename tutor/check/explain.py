"""How an expected answer comes about, with the numbers: what "reveal" shows."""

from __future__ import annotations

from tutor.check.quantities import local, nudged_output, trained
from tutor.check.question import Question, named_parents
from tutor.expr import to_text
from tutor.lesson.graph import moved_leaves
from tutor.numbers import full, short


def explain(question: Question) -> list[str]:
    """How the expected answer comes about, with the numbers."""
    g, n, out = question.graph, question.node, question.output
    answer = question.expected_text
    match question.kind:
        case "value":
            if g.nodes[n].is_leaf:
                return [f"{n} is a leaf: {n} = {answer}."]
            return [f"{n} = {to_text(g.definitions[n])} = {answer}."]
        case "grad":
            if n == out:
                return [f"d{out}/d{out} = 1: the output moves exactly as much as itself."]
            terms = [(p, g.grad(p), local(g, p, n)) for p in named_parents(question)]
            # The output's own use is its local derivative alone: "dL/dL · dL/dd" would
            # explain dL/dd by itself.
            symbols = " + ".join(
                f"∂{out}/∂{n}" if p == out else f"d{out}/d{p} · d{p}/d{n}" for p, _, _ in terms
            )
            numbers = " + ".join(
                f"({short(lo)})" if p == out else f"({short(up)}) × ({short(lo)})"
                for p, up, lo in terms
            )
            direct = f"{out} = {to_text(g.definitions[out])} uses {n} directly"
            if [p for p, _, _ in terms] == [out]:
                return [f"d{out}/d{n} = ∂{out}/∂{n}, the local derivative: {direct}", f"= {answer}"]
            lines = [f"d{out}/d{n} = {symbols}", f"= {numbers} = {answer}"]
            if any(p == out for p, _, _ in terms):
                lines.append(f"(∂{out}/∂{n}: {direct}; its local derivative there.)")
            return lines
        case "local":
            formula = str(question.formula)
            if formula == answer:
                return [f"d{n}/d{question.wrt} = {answer}."]
            return [f"d{n}/d{question.wrt} = {formula} = {answer} at the current numbers."]
        case "nudge":
            h = question.ask.h
            moved = nudged_output(g, n, h)
            return [
                f"{out} with {n} + {short(h, 6)} is {full(moved)}; {out} is {full(g.output.data)}.",
                f"({full(moved)} - {full(g.output.data)}) / {short(h, 6)} = {answer}",
            ]
        case "train":
            ask = question.ask
            losses, _, final = trained(g, ask.rate, ask.steps, ask.zero_grad, ask.moves)
            shown = ", ".join(short(x) for x in losses[:8]) + (", …" if len(losses) > 8 else "")
            lines = [
                f"{out} before each of the {ask.steps} updates: {shown}; after the last: "
                f"{short(final)}."
            ]
            if n is not None and n != out:
                lines.append(f"{n} after the {ask.steps} updates: {answer}.")
            return lines
        case "accumulated":
            passes = question.ask.passes or 2
            return [
                f"One backward() gives d{out}/d{n} = {short(g.grad(n))}; {passes} calls "
                f"without zeroing add it {passes} times: {passes} × {short(g.grad(n))} = {answer}.",
            ]
        case "count":
            return [f"One weight per input and one bias per neuron: {answer} parameters."]
    rate = question.ask.rate
    moves = ", ".join(
        f"{name}: {short(leaf.data)} → {short(leaf.data + rate * leaf.grad, 6)}"
        for name, leaf in moved_leaves(g, question.ask.moves).items()
    )
    what = "parameter" if question.ask.moves is not None else "leaf"
    return [
        f"Each {what} moves by {short(rate, 6)} × its gradient: {moves}.",
        f"Then {out} = {answer}.",
    ]
