{
  "format": "prefmon-assessment",
  "format_version": 1,
  "parameters": {
    "delta": 0.02,
    "delta_mode": "fixed",
    "q0": "per-annotator",
    "level": 0.94999999999999996,
    "eta0": 0.59999999999999998,
    "eta1": 1.0,
    "max_error": 0.20000000000000001,
    "min_duration": null,
    "fast_ratio": 0.25,
    "alpha": 0.050000000000000003,
    "convention": "general",
    "rule": "likelihood-ratio",
    "multiplicity": "holm"
  },
  "summary": {
    "rows": 247,
    "rows_skipped": 1,
    "annotators": 5,
    "items": 39,
    "keys": 125,
    "pairs": 122,
    "decisions": {
      "pass": 2,
      "fail": 2,
      "too-few": 0,
      "no-pairs": 1
    },
    "flags": {
      "