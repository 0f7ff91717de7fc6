/**
 * Exceptions that test clients list as re-creatable.
 */
package io.easyrpc.it.errors;
