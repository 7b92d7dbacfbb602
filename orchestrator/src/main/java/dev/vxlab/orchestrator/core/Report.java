package dev.vxlab.orchestrator.core;

/** Where a service reports its progress as it happens: the steps, and a line per node and fact. The CLI prints it. */
public interface Report {

    /** A new step begins ("machines", "prepare", "etcd", "files", "agents", "verify"). */
    void step(String name);

    /** One line of the current step ("kube1 /etc/sysconfig/flanneld changed"). */
    void line(String text);

    /** A report that drops everything. */
    Report NONE = new Report() {
        @Override
        public void step(String name) {
        }

        @Override
        public void line(String text) {
        }
    };
}
