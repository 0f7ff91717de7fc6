package io.easyrpc.sample.cluster.clientapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The client: {@link RemoteGreeter} calls {@code discovery://greeter}, the instances that
 * ZooKeeper knows.
 */
@SpringBootApplication
public class ClusterClientApplication {

}
