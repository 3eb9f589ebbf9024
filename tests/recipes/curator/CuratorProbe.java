// A Curator 5.4 contender for the recipe interop tests, with the same
// arguments and output lines as cairn-recipe-contender (../contender_main.cpp):
//
//   java CuratorProbe CONNECT KIND PATH HOLD_MS TIMEOUT_MS LOG_FILE [ID]
//   KIND: mutex | read | write | latch
//
// stdout: "ACQUIRED <node> <token>" / "RELEASED <node>", or "LEADER <token>" /
// "CLOSED"; "TIMEOUT" (exit 2); exit 1 on error. The token is the czxid of
// this process's znode. LOG_FILE gets "ENTER/EXIT <token> curator-<pid>".
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.data.Stat;

public class CuratorProbe {
  static String who = "curator-" + ProcessHandle.current().pid();

  static void log(String file, String what, long token) throws Exception {
    try (FileOutputStream out = new FileOutputStream(file, true)) {
      out.write((what + " " + token + " " + who + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  // Our own znode among the lock's participants: the one our session owns.
  static String ownNode(CuratorFramework client, InterProcessMutex lock) throws Exception {
    long session = client.getZookeeperClient().getZooKeeper().getSessionId();
    for (String node : lock.getParticipantNodes()) {
      Stat stat = client.checkExists().forPath(node);
      if (stat != null && stat.getEphemeralOwner() == session) return node;
    }
    throw new IllegalStateException("no node of this session");
  }

  public static void main(String[] args) throws Exception {
    String connect = args[0], kind = args[1], path = args[2], logFile = args[5];
    long holdMs = Long.parseLong(args[3]), timeoutMs = Long.parseLong(args[4]);
    String id = args.length > 6 ? args[6] : "";
    CuratorFramework client = CuratorFrameworkFactory.builder()
        .connectString(connect)
        .sessionTimeoutMs(10000)
        .connectionTimeoutMs(10000)
        .retryPolicy(new ExponentialBackoffRetry(100, 5))
        .build();
    client.start();
    if (!client.blockUntilConnected(20, TimeUnit.SECONDS)) {
      System.err.println("no connection to " + connect);
      System.exit(1);
    }
    if (kind.equals("latch")) {
      LeaderLatch latch = new LeaderLatch(client, path, id);
      latch.start();
      if (!latch.await(timeoutMs, TimeUnit.MILLISECONDS)) {
        say("TIMEOUT");
        System.exit(2);
      }
      long term = client.checkExists().forPath(latch.getOurPath()).getCzxid();
      log(logFile, "ENTER", term);
      say("LEADER " + term);
      Thread.sleep(holdMs);
      log(logFile, "EXIT", term);
      latch.close();
      say("CLOSED");
    } else {
      InterProcessMutex lock;
      if (kind.equals("mutex")) {
        lock = new InterProcessMutex(client, path);
      } else {
        InterProcessReadWriteLock rw = new InterProcessReadWriteLock(client, path);
        lock = kind.equals("read") ? rw.readLock() : rw.writeLock();
      }
      if (!lock.acquire(timeoutMs, TimeUnit.MILLISECONDS)) {
        say("TIMEOUT");
        System.exit(2);
      }
      String node = ownNode(client, lock);
      long token = client.checkExists().forPath(node).getCzxid();
      log(logFile, "ENTER", token);
      say("ACQUIRED " + node + " " + token);
      Thread.sleep(holdMs);
      log(logFile, "EXIT", token);
      lock.release();
      say("RELEASED " + node);
    }
    client.close();
    System.exit(0);
  }
}
