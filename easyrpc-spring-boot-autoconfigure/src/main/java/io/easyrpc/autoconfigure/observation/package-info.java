/**
 * Micrometer Observation of easyrpc calls: contexts, conventions, documentation and the
 * observers that create observations.
 */
package io.easyrpc.autoconfigure.observation;
