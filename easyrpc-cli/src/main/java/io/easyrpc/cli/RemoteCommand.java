package io.easyrpc.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.easyrpc.RpcException;
import io.easyrpc.client.GenericRpcClient;
import io.easyrpc.client.RpcChannel;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the commands share: the address, the connection options, JSON output and the
 * mapping of failures to {@code STATUS: message} and exit codes.
 */
abstract class RemoteCommand implements Callable<Integer> {

	static final JsonMapper JSON = JsonMapper.builder().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

	@CommandLine.Spec
	CommandLine.Model.CommandSpec spec;

	@ParentCommand
	EasyRpcCli parent;

	@Mixin
	ConnectionOptions connection;

	@Parameters(index = "0", paramLabel = "ADDRESS",
			description = "Server address: host:port, tcp://host:port, unix:/path, ws://host:port/path or wss://...")
	String address;

	@Override
	public final Integer call() {
		try (RpcChannel channel = this.connection.channel(this.spec.commandLine(), this.address,
				this.parent.environment())) {
			return run(channel);
		}
		catch (RpcException ex) {
			PrintWriter err = err();
			String description = ex.getDescription();
			err.println(ex.getStatus() + ": " + ((description != null) ? description : ex.getMessage()));
			err.flush();
			return ExitCodes.of(ex.getStatus());
		}
	}

	abstract int run(RpcChannel channel);

	GenericRpcClient client(RpcChannel channel, boolean validate) {
		return this.connection.client(channel, validate);
	}

	PrintWriter out() {
		return this.spec.commandLine().getOut();
	}

	PrintWriter err() {
		return this.spec.commandLine().getErr();
	}

	void printJson(Object value) {
		ObjectWriter writer = JSON.writerWithDefaultPrettyPrinter();
		PrintWriter out = out();
		out.println(writer.writeValueAsString(value));
		out.flush();
	}

}
