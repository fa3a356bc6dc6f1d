"""Checks a packaged .vsix and extracts it: python3 check_vsix.py X.vsix DIR.

The manifest names both entry points (desktop `main`, web `browser`), both
are in the package with their server bundles and wasm modules, and nothing
native ships (no .node addons, no executables)."""

import json
import sys
import zipfile

vsix, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(vsix)
names = set(z.namelist())
manifest = json.loads(z.read("extension/package.json"))


def need(cond, what):
    if not cond:
        sys.exit(f"check_vsix: {what}")


need(manifest["main"] == "./dist/extension.js", f"main is {manifest['main']}")
need(manifest["browser"] == "./dist/web/extension.js", f"browser is {manifest['browser']}")
need("onLanguage:yaml" in manifest["activationEvents"], "no yaml activation")
props = manifest["contributes"]["configuration"]["properties"]
for key in ["profile", "pssVersion", "enable", "disable", "imageRegistries", "docsBaseUrl"]:
    need(f"kubeharden.{key}" in props, f"no setting kubeharden.{key}")
for f in [
    "extension/dist/extension.js",
    "extension/dist/server.js",
    "extension/dist/kubeharden_bg.wasm",
    "extension/dist/web/extension.js",
    "extension/dist/web/server.js",
    "extension/dist/web/kubeharden_bg.wasm",
    "extension/readme.md",
]:
    need(f in names, f"{f} missing")
for wasm in ["extension/dist/kubeharden_bg.wasm", "extension/dist/web/kubeharden_bg.wasm"]:
    need(z.read(wasm)[:4] == b"\0asm", f"{wasm} is not WebAssembly")
for n in names:
    need(not n.endswith((".node", ".exe", ".dll", ".so", ".dylib")), f"native file {n}")
    need(z.read(n)[:4] != b"\x7fELF", f"native executable {n}")
    need(not n.startswith("extension/src/") and "node_modules" not in n, f"source file {n}")
z.extractall(out)
print(f"check_vsix: {vsix}: {len(names)} files, manifest and entry points ok")
