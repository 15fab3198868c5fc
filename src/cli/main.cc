// nnport command line (placeholder).
int main() { return 0; }
