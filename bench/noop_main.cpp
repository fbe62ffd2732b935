// The floor of the SIGTERM-to-exit figures: a C++ binary that does nothing, so its
// start-to-exit time is what process creation, dynamic loading and exit cost on this machine.
int main() { return 0; }
