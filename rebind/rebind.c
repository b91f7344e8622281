/* Placeholder until issue #4: a shared library that changes nothing. The real bind()
 * redirect lands with the wrap supervisor. */
int websockify_rebind_placeholder(void);
int websockify_rebind_placeholder(void) { return 0; }
