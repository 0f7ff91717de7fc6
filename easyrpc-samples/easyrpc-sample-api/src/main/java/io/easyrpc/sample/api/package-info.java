/**
 * The API shared by the sample server and client: one interface and its records.
 */
package io.easyrpc.sample.api;
