// gpu.js loads `gl` inside try/catch and, when it throws, treats headless GL as unsupported (its
// 'cpu' and 'webasm' modes need no GL). The real package is opt-in: see README.md in this folder.
throw new Error("the native 'gl' package is not installed (opt-in: see tools/no-gl/README.md)");
