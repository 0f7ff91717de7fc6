/**
 * The {@code easyrpc} command-line client: list, describe and call the methods of any
 * easyrpc server.
 */
@NullMarked
package io.easyrpc.cli;

import org.jspecify.annotations.NullMarked;
