package io.easyrpc.sample.cluster;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterDemoTests {

	@Test
	void callsSpreadOverTheInstancesAndNoneFailsWhileOneStopsAndAnotherJoins() throws Exception {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		Map<String, Integer> answered = ClusterDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
		String output = bytes.toString(StandardCharsets.UTF_8);
		assertThat(answered).doesNotContainKey("failed");
		assertThat(answered.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(36);
		// Round robin over three instances: four calls each.
		String round1 = output.substring(output.indexOf("Round 1"), output.indexOf("Stopping server-1"));
		for (String instance : new String[] { "server-1", "server-2", "server-3" }) {
			assertThat(round1.split("answered by " + instance + "\\R", -1)).hasSize(5);
		}
		String afterStop = output.substring(output.indexOf("Round 2"));
		assertThat(afterStop).doesNotContain("answered by server-1");
		String round3 = output.substring(output.indexOf("Round 3"));
		assertThat(round3).contains("answered by server-4");
	}

}
