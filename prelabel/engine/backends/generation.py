"""Text generation → a ``chain_of_thought`` draft ``{"steps": [...], "answer": "..."}``.

The model is prompted to reason step by step; its output is parsed for "Step 1: … / Answer: …"
markers (English or Chinese, on one line or many). Decoding is greedy so a re-run gives the same
draft, and prompts are left-padded in length-sorted batches as decoder-only models require.
"""
from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForCausalLM

from annotation.schema import LabelSpec
from prelabel.engine.backends.base import max_length
from prelabel.engine.inputs import text_of
from prelabel.engine.loading import load_cached, load_tokenizer
from prelabel.engine.runtime import autocast, length_batches, pad
from prelabel.engine.types import Backend, EngineError, Prediction

DEFAULT_PROMPT = "Question: {text}\nLet's think step by step.\n"

# A marker must start the text or follow whitespace/punctuation, so "steps" inside a word is
# not read as one; a bare "1." counts only at the start of a line, so "2+2 is 4." does not.
_LEAD = r"(?:^|(?<=[\s。；;，,.]))"
_STEP = re.compile(
    _LEAD + r"(?:step|步骤)\s*\d+\s*[:：.)]?\s*"
    + r"|" + _LEAD + r"第\s*[\d一二三四五六七八九十]+\s*步\s*[:：]?\s*"
    + r"|^[ \t]*\d+[.)、](?=\s)\s*",
    re.IGNORECASE | re.MULTILINE,
)
_ANSWER = re.compile(
    _LEAD + r"(?:(?:so\s+)?(?:the\s+)?(?:final\s+)?answer(?:\s+is)?|(?:最终)?答案(?:是|为)?)"
    r"\s*[:：]\s*",
    re.IGNORECASE,
)


def parse_chain_of_thought(text: str) -> dict[str, Any] | None:
    """Split generated text into steps and an answer; None when there is nothing usable.

    Without an "Answer:" marker the last step is taken as the answer (models often end with
    the conclusion); without step markers each non-empty line is a step.
    """
    answer = ""
    found = list(_ANSWER.finditer(text))
    if found:
        last = found[-1]
        rest = text[last.end():].strip()
        answer = rest.splitlines()[0].strip() if rest else ""
        text = text[: last.start()]
    marks = list(_STEP.finditer(text))
    if marks:
        bounds = [m.end() for m in marks] + [len(text)]
        starts = [m.start() for m in marks[1:]] + [len(text)]
        steps = [text[b:e].strip() for b, e in zip(bounds, starts)]
    else:
        steps = [line.strip() for line in text.splitlines()]
    steps = [s for s in steps if s]
    if not answer and steps:
        lines = [line.strip() for line in steps[-1].splitlines() if line.strip()]
        if len(lines) > 1:
            steps[-1], answer = "\n".join(lines[:-1]), lines[-1]
        elif len(steps) > 1:
            answer = steps.pop()
    if not answer or not steps:
        return None
    return {"steps": steps, "answer": answer}


def load_causal_lm(
    path: str | os.PathLike[str], device: str | torch.device | None, version: str = ""
) -> tuple[Any, Any]:
    # Left padding: generation continues from the end of every row of a batch.
    return load_cached("causal-lm", path, device, version, AutoModelForCausalLM,
                       lambda root: load_tokenizer(root, padding_side="left"))


class TextGenerationBackend(Backend):
    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        label: LabelSpec,
        *,
        field: str,
        prompt: str = DEFAULT_PROMPT,
        max_new_tokens: int = 256,
        batch_size: int = 8,
    ) -> None:
        if label.type != "chain_of_thought":
            raise EngineError(f"text generation fills chain_of_thought labels, not {label.type}")
        if "{text}" not in prompt:
            raise EngineError("prompt must contain {text}")
        self.model, self.tokenizer = model, tokenizer
        self.device = next(model.parameters()).device
        self.label, self.field, self.prompt = label.name, field, prompt
        self.max_new_tokens, self.batch_size = max_new_tokens, batch_size
        pad_id = tokenizer.pad_token_id
        if pad_id is None:
            pad_id = tokenizer.eos_token_id
        if pad_id is None:
            raise EngineError("the tokenizer has neither a pad nor an eos token")
        self.pad_id = int(pad_id)
        self.max_prompt = max(1, max_length(tokenizer, model, cap=4096) - max_new_tokens)

    @torch.inference_mode()
    def _generate(self, ids: list[list[int]]) -> tuple[list[list[int]], list[float]]:
        tokens: list[list[int]] = [[] for _ in ids]
        scores = [0.0] * len(ids)
        for rows in length_batches([len(r) for r in ids], self.batch_size):
            input_ids, mask = pad([ids[i] for i in rows], self.pad_id, left=True)
            with autocast(self.device):
                out = self.model.generate(
                    input_ids=input_ids.to(self.device), attention_mask=mask.to(self.device),
                    max_new_tokens=self.max_new_tokens, do_sample=False,
                    pad_token_id=self.pad_id, return_dict_in_generate=True, output_scores=True,
                )
            new = out.sequences[:, input_ids.shape[1]:].cpu()
            logp = self.model.compute_transition_scores(
                out.sequences, out.scores, normalize_logits=True
            ).float().cpu().numpy()
            eos = self.tokenizer.eos_token_id
            for j, row in enumerate(rows):
                seq = new[j].tolist()
                n = seq.index(eos) if eos is not None and eos in seq else len(seq)
                tokens[row] = seq[:n]
                # Geometric-mean token probability: comparable across answers of any length.
                scores[row] = float(np.exp(logp[j, :n].mean())) if n else 0.0
        return tokens, scores

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        prompts = [self.prompt.replace("{text}", text_of(item, self.field)) for item in items]
        if not prompts:
            return []
        ids = self.tokenizer(prompts, add_special_tokens=True, return_attention_mask=False)
        # Keep the end of a long prompt: the instruction to reason sits there.
        ids = [row[-self.max_prompt:] for row in ids["input_ids"]]
        tokens, scores = self._generate(ids)
        out = []
        for seq, score in zip(tokens, scores):
            draft = parse_chain_of_thought(self.tokenizer.decode(seq, skip_special_tokens=True))
            if draft is None:
                out.append(Prediction(result={}, score=0.0))
            else:
                out.append(Prediction(result={self.label: draft}, score=score))
        return out
