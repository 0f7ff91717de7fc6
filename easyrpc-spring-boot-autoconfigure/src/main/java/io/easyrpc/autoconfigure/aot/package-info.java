/**
 * Spring AOT and GraalVM native image support: the runtime hints of the application's
 * {@code @RpcClient} interfaces and {@code @RpcService} beans, and of the types the
 * engine itself reaches by reflection.
 */
package io.easyrpc.autoconfigure.aot;
