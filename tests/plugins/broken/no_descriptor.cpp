// Broken on purpose: a valid shared library that is not a slob plugin (no descriptor export).
extern "C" __attribute__((visibility("default"))) int slob_not_a_plugin() { return 42; }
