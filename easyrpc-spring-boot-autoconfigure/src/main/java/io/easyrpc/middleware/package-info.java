/**
 * Extension points around calls: observers that time, log and trace calls on either side.
 */
package io.easyrpc.middleware;
