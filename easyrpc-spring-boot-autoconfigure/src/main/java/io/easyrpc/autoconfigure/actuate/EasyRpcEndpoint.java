package io.easyrpc.autoconfigure.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.easyrpc.autoconfigure.RpcClientFactory;
import io.easyrpc.client.RpcChannel;
import io.easyrpc.server.Reflection;
import io.easyrpc.server.RpcServer;
import io.easyrpc.server.ServiceDescriptor;
import io.easyrpc.transport.RpcAddress;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code easyrpc} actuator endpoint: what the server serves and to whom, and which
 * servers the application's clients call and in what state.
 */
@Endpoint(id = "easyrpc")
public class EasyRpcEndpoint {

	private final ObjectProvider<RpcServer> server;

	private final ObjectProvider<RpcClientFactory> clients;

	/**
	 * Create the endpoint.
	 * @param server the server, if the application has one
	 * @param clients the client factory, if clients are enabled
	 */
	public EasyRpcEndpoint(ObjectProvider<RpcServer> server, ObjectProvider<RpcClientFactory> clients) {
		this.server = server;
		this.clients = clients;
	}

	/**
	 * Describe the server and the client targets.
	 * @return the description
	 */
	@ReadOperation
	public EasyRpcDescriptor easyrpc() {
		RpcServer rpcServer = this.server.getIfAvailable();
		RpcClientFactory factory = this.clients.getIfAvailable();
		return new EasyRpcDescriptor((rpcServer != null) ? describe(rpcServer) : null,
				(factory != null) ? describe(factory) : List.of());
	}

	private static ServerDescriptor describe(RpcServer server) {
		List<ServiceDescriptor> services = server.registry()
			.describe()
			.stream()
			.filter((service) -> !service.name().startsWith(Reflection.GROUP + "/"))
			.toList();
		List<ConnectionDescriptor> connections = server.connections()
			.stream()
			.map((connection) -> new ConnectionDescriptor(connection.peer(), connection.transport(),
					Instant.ofEpochMilli(connection.since()), connection.calls()))
			.toList();
		List<String> addresses = server.addresses().stream().map((address) -> bound(address, server)).toList();
		return new ServerDescriptor(state(server), addresses, (server.port() >= 0) ? server.port() : null,
				server.activeCalls(), services, connections);
	}

	// A server configured with port 0 shows the port it was given.
	private static String bound(RpcAddress address, RpcServer server) {
		if (!address.isInProcess() && address.port() == 0 && server.port() > 0) {
			return RpcAddress.tcp(address.host(), server.port()).toString();
		}
		return address.toString();
	}

	static String state(RpcServer server) {
		if (server.isDraining()) {
			return "draining";
		}
		return server.isRunning() ? "serving" : "stopped";
	}

	static String state(RpcChannel channel) {
		return state(channel.state());
	}

	static String state(RpcChannel.State state) {
		return switch (state) {
			case IDLE -> "idle";
			case CONNECTING -> "connecting";
			case READY -> "ready";
			case TRANSIENT_FAILURE -> "failed";
			case SHUTDOWN -> "shutdown";
		};
	}

	private static List<TargetDescriptor> describe(RpcClientFactory factory) {
		List<TargetDescriptor> targets = new ArrayList<>();
		factory.targets()
			.forEach((target) -> targets.add(new TargetDescriptor(target.address(), target.names(), target.clients(),
					state(target.channel()), target.channel().pendingCalls(), target.channel().loadBalancing().name(),
					instances(target.channel()))));
		return targets;
	}

	static List<InstanceDescriptor> instances(RpcChannel channel) {
		return channel.instances()
			.stream()
			.map((instance) -> new InstanceDescriptor(instance.address().toString(), instance.group(),
					state(instance.state()), instance.outstandingCalls(), instance.ejected(), instance.ejections()))
			.toList();
	}

	/**
	 * The endpoint's response.
	 *
	 * @param server the server, {@code null} if the application serves nothing
	 * @param targets the servers the application's clients call
	 */
	public record EasyRpcDescriptor(ServerDescriptor server, List<TargetDescriptor> targets) {
	}

	/**
	 * The server.
	 *
	 * @param state {@code serving}, {@code draining} or {@code stopped}
	 * @param addresses the addresses served, with the bound port in place of port 0
	 * @param port the bound TCP port, or {@code null}
	 * @param activeCalls the calls being served
	 * @param services the services with their methods
	 * @param connections the open connections
	 */
	public record ServerDescriptor(String state, List<String> addresses, Integer port, int activeCalls,
			List<ServiceDescriptor> services, List<ConnectionDescriptor> connections) {
	}

	/**
	 * An open connection.
	 *
	 * @param peer the peer address
	 * @param transport how the peer is connected: {@code tcp}, {@code inproc} or
	 * {@code websocket}
	 * @param since when it was opened
	 * @param calls how many calls the peer made on it
	 */
	public record ConnectionDescriptor(String peer, String transport, Instant since, long calls) {
	}

	/**
	 * A server, or a set of server instances, that clients call.
	 *
	 * @param address the address, the list of addresses, or the service of a target found
	 * through discovery
	 * @param targets the target names that use it
	 * @param clients the client interfaces that call it
	 * @param state the best state of its instances: {@code idle}, {@code connecting},
	 * {@code ready}, {@code failed} (the last connection attempt failed) or
	 * {@code shutdown}
	 * @param pendingCalls the calls waiting for a response
	 * @param loadBalancing how calls are spread over the instances
	 * @param instances the instances known now
	 */
	public record TargetDescriptor(String address, List<String> targets, List<String> clients, String state,
			int pendingCalls, String loadBalancing, List<InstanceDescriptor> instances) {
	}

	/**
	 * One instance of a target.
	 *
	 * @param address its address
	 * @param group its group: 0, or the position of the fall-back group it belongs to
	 * @param state the state of its connection, as for a target
	 * @param outstandingCalls the calls sent to it that have not ended
	 * @param ejected whether it is ejected after failing calls in a row
	 * @param ejections how often it was ejected
	 */
	public record InstanceDescriptor(String address, int group, String state, int outstandingCalls, boolean ejected,
			long ejections) {
	}

}
