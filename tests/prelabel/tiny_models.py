"""Tiny transformers models built from configs into a temp dir: no downloads, seconds to build.

Where a test needs to know what the model will say, the weights are set by hand so the model
becomes a lookup table (token → tag, token → next token); otherwise they stay random and tests
check shapes, order and validity.
"""
from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertForTokenClassification,
    BertTokenizerFast,
    GPT2Config,
    GPT2LMHeadModel,
    PreTrainedTokenizerFast,
    ViTConfig,
    ViTForImageClassification,
    ViTImageProcessor,
    YolosConfig,
    YolosForObjectDetection,
    YolosImageProcessor,
)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [
    "alice", "mary", "smith", "bob", "lives", "in", "par", "##is", "word", "the", "a", "is",
    "great", "bad", "movie", "this", "was", "about", "sports", "politics", ".", ",", "!",
]
CJK = list(dict.fromkeys("张三在北京工作今天气很好我爱电影"))
VOCAB = SPECIALS + WORDS + CJK

# The hand-set tagger: which tag each token gets (everything else is "O").
TAGS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC"]
TOKEN_TAGS = {"张": "B-PER", "三": "I-PER", "北": "B-LOC", "京": "I-LOC", "alice": "B-PER",
              "mary": "B-PER", "smith": "I-PER", "par": "B-LOC", "bob": "B-MISC"}

SMALL = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
             max_position_embeddings=64)


def bert_tokenizer(root: Path) -> BertTokenizerFast:
    root.mkdir(parents=True, exist_ok=True)
    vocab = root / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    # transformers 5 takes the vocabulary itself (a dict or a path) as ``vocab``.
    tokenizer = BertTokenizerFast(vocab={t: i for i, t in enumerate(VOCAB)}, do_lower_case=True)
    tokenizer.save_pretrained(root)
    return tokenizer


def _labels(names: list[str]) -> dict:
    return {"id2label": dict(enumerate(names)), "label2id": {n: i for i, n in enumerate(names)}}


def text_classifier(root: Path, labels: list[str], seed: int = 0) -> Path:
    torch.manual_seed(seed)
    bert_tokenizer(root)
    config = BertConfig(vocab_size=len(VOCAB), **SMALL, **_labels(labels))
    BertForSequenceClassification(config).save_pretrained(root)
    return root


def token_tagger(root: Path) -> Path:
    """A BERT with no layers whose embeddings one-hot encode each token's tag: it tags every
    token as ``TOKEN_TAGS`` says, so span offsets can be asserted exactly."""
    bert_tokenizer(root)
    config = BertConfig(vocab_size=len(VOCAB), **{**SMALL, "num_hidden_layers": 0},
                        **_labels(TAGS))
    model = BertForTokenClassification(config)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.word_embeddings.weight.zero_()
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        for token, tag in TOKEN_TAGS.items():
            emb.word_embeddings.weight[VOCAB.index(token), TAGS.index(tag)] = 10.0
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        for k in range(len(TAGS)):
            model.classifier.weight[k, k] = 1.0
        model.classifier.bias[0] = 1.0  # a zero embedding (untagged token) reads as "O"
    model.save_pretrained(root)
    return root


def image_classifier(root: Path, labels: list[str]) -> Path:
    torch.manual_seed(0)
    config = ViTConfig(image_size=32, patch_size=8, hidden_size=32, num_hidden_layers=2,
                       num_attention_heads=2, intermediate_size=37, **_labels(labels))
    ViTForImageClassification(config).save_pretrained(root)
    ViTImageProcessor(size={"height": 32, "width": 32}).save_pretrained(root)
    return root


def object_detector(root: Path, labels: list[str]) -> Path:
    torch.manual_seed(0)
    config = YolosConfig(hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=37, image_size=[64, 64], patch_size=16,
                         num_detection_tokens=5, **_labels(labels))
    YolosForObjectDetection(config).save_pretrained(root)
    YolosImageProcessor(size={"shortest_edge": 64, "longest_edge": 64}).save_pretrained(root)
    return root


# The hand-set language model continues any text ending in "go" with this chain, then stops.
LM_VOCAB = ["<pad>", "<eos>", "<unk>", "go", "x", "Step", "1:", "add", "two", "Answer:", "4"]
LM_CHAIN = ["go", "Step", "1:", "add", "two", "Answer:", "4", "<eos>"]


def chain_lm(root: Path) -> Path:
    """GPT-2 whose blocks add nothing and whose head maps each token to its successor in
    ``LM_CHAIN``: greedy decoding from "go" writes "Step 1: add two Answer: 4"."""
    root.mkdir(parents=True, exist_ok=True)
    vocab = {t: i for i, t in enumerate(LM_VOCAB)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="<pad>",
                                        eos_token="<eos>", unk_token="<unk>")
    tokenizer.save_pretrained(root)
    config = GPT2Config(vocab_size=len(LM_VOCAB), n_embd=32, n_layer=1, n_head=2, n_positions=64,
                        bos_token_id=1, eos_token_id=1, pad_token_id=0, tie_word_embeddings=False)
    model = GPT2LMHeadModel(config)
    with torch.no_grad():
        model.transformer.wte.weight.zero_()
        model.transformer.wpe.weight.zero_()
        for i in range(len(LM_VOCAB)):
            model.transformer.wte.weight[i, i] = 10.0
        for block in model.transformer.h:  # zero residual branches: each block is the identity
            for proj in (block.attn.c_proj, block.mlp.c_proj):
                proj.weight.zero_()
                proj.bias.zero_()
        model.lm_head.weight.zero_()
        for here, nxt in zip(LM_CHAIN, LM_CHAIN[1:]):
            model.lm_head.weight[vocab[nxt], vocab[here]] = 10.0
    model.generation_config.pad_token_id = 0
    model.generation_config.eos_token_id = 1
    model.save_pretrained(root)
    return root
