/**
 * The quickstart: a server application and a client application started in one JVM.
 */
package io.easyrpc.sample.quickstart;
