//! The public pages against the stack.
