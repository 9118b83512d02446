"""The harmlessness scorer: a pretrained base with one classification head per rubric dimension.

Modules, each importing only those listed before it (no torch in `settings`, `cpu`, `data` and
`evaluate`, so the command line builds its help and the Scorer page draws without torch):

- `settings`: defaults, precisions and training settings.
- `cpu`: whether this CPU has the instructions that make bf16/int8 pay off.
- `data`: scored items from the database or a JSONL file, and their split plan.
- `model`: the network (encoder or decoder-only base, per-dimension heads), its inputs in
  batches, saving and loading a model directory.
- `fast`: the scorer compiled by OpenVINO in bf16 or int8.
- `parallel`: this process's share of the work when launched as several (torchrun, accelerate
  launch), and gathering the shares.
- `predict`: running a scorer on items, on the database or on a JSONL file.
- `evaluate`: agreement with the human final scores.
- `train`: the training loop (on Accelerate: one process or several).
"""
