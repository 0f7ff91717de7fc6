package io.easyrpc.sample.cluster.clientapp;

import io.easyrpc.annotation.RpcClient;
import io.easyrpc.sample.cluster.api.Greeter;

/**
 * The greeter instances, found in ZooKeeper through {@code discovery://greeter}.
 */
@RpcClient(target = "greeter")
public interface RemoteGreeter extends Greeter {

}
