/**
 * The quickstart's server application.
 */
package io.easyrpc.sample.quickstart.serverapp;
