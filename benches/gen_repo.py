#!/usr/bin/env python3
"""Writes a large repository of manifests for benchmarks (benches/peers.sh).

Every document of ../shared/corpus/real is copied again and again (CRDs
left out), DOCUMENTS_PER_FILE to a file, under app-N/ folders, with its name (and namespace)
renamed so the copies are distinct resources, and one in five mutated the
way real repositories differ (a privileged container, a :latest image, a
dropped securityContext, a NodePort). Deterministic: the same arguments give
the same tree.

    benches/gen_repo.py OUT_DIR [FILES] [DOCUMENTS_PER_FILE] [CORPUS_DIR]
"""

import os
import random
import re
import sys


def documents(corpus):
    docs = []
    for root, _, names in sorted(os.walk(corpus)):
        for name in sorted(names):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            for doc in re.split(r"(?m)^---[ \t]*$", text):
                # CRDs (schemas of hundreds of KB) are left out: a repository
                # of applications is mostly workloads, RBAC and services.
                if (
                    re.search(r"(?m)^kind:", doc)
                    and re.search(r"(?m)^  name:", doc)
                    and not re.search(r"(?m)^kind: *CustomResourceDefinition", doc)
                ):
                    docs.append(doc.strip("\n") + "\n")
    return docs


MUTATIONS = [
    (r"(?m)^(\s+)image: (\S+?)(:[\w.\-]+)?$", r"\1image: \2:latest"),
    (r"(?m)^(\s+)securityContext:\n", r"\1securityContext:\n\1  privileged: true\n"),
    (r"(?m)^(\s+)runAsNonRoot: true$", r"\1runAsNonRoot: false"),
    (r"(?m)^(\s+)type: ClusterIP$", r"\1type: NodePort"),
    (r"(?m)^(\s+)readOnlyRootFilesystem: true$", r"\1readOnlyRootFilesystem: false"),
]


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    per_file = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = sys.argv[4] if len(sys.argv) > 4 else os.path.join(here, "..", "..", "shared", "corpus", "real")
    docs = documents(corpus)
    if not docs:
        sys.exit(f"no documents under {corpus}")
    rng = random.Random(20261205)
    total = 0
    n = 0
    for i in range(count):
        app = f"app-{i // 50:03d}"
        pieces = []
        for _ in range(per_file):
            doc = docs[n % len(docs)]
            copy = n // len(docs)
            n += 1
            # Rename the object (first `  name:` under metadata) and move it
            # into its app's namespace when it has one.
            doc = re.sub(r"(?m)^(  name: )\"?([^\"\n]+)\"?$", lambda m: f"{m.group(1)}{m.group(2)}-c{copy}", doc, count=1)
            doc = re.sub(r"(?m)^(  namespace: ).*$", lambda m: f"{m.group(1)}{app}", doc, count=1)
            if rng.random() < 0.2:
                pattern, repl = rng.choice(MUTATIONS)
                doc = re.sub(pattern, repl, doc, count=1)
            pieces.append(doc)
        kind = re.search(r"(?m)^kind: *(\S+)", pieces[0]).group(1).lower()
        folder = os.path.join(out, app)
        os.makedirs(folder, exist_ok=True)
        text = "---\n".join(pieces)
        with open(os.path.join(folder, f"{i:05d}-{kind}.yaml"), "w", encoding="utf-8") as f:
            f.write(text)
        total += len(text.encode())
    print(f"{count} files, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
