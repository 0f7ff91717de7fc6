/**
 * The quickstart's client application.
 */
package io.easyrpc.sample.quickstart.clientapp;
