#!/usr/bin/env bash
# Starts a one-node Slurm cluster on this machine (slurmctld + slurmd on localhost, every CPU), for
# trying the array job or testing it in CI. Needs root and Debian's slurm-wlm and munge packages.
#   bash deploy/slurm/local-cluster.sh start   # writes /etc/slurm/slurm.conf, starts munged, slurmctld, slurmd
#   bash deploy/slurm/local-cluster.sh stop
set -euo pipefail

node=$(hostname -s)
cpus=$(nproc)
state=/var/spool/slurm-faceprep

stop() {
    pkill -x slurmd 2>/dev/null || true
    pkill -x slurmctld 2>/dev/null || true
    pkill -x munged 2>/dev/null || true
}

if [ "${1:-start}" = stop ]; then stop; exit 0; fi

command -v slurmctld >/dev/null || { echo "error: slurmctld not found; apt-get install slurm-wlm munge" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "error: the local cluster needs root (it writes /etc/slurm and runs the daemons)" >&2; exit 2; }
stop

# munge: the key the package made (or a new one), its run and log folders owned by munge.
mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
chmod 0700 /etc/munge /var/log/munge /var/lib/munge
chmod 0755 /run/munge
chmod 0400 /etc/munge/munge.key
runuser -u munge -- /usr/sbin/munged

mkdir -p /etc/slurm "$state/ctld" "$state/d" /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=faceprep
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld
/usr/sbin/slurmd

# Ready when the node is idle.
for _ in $(seq 1 60); do
    if sinfo -h -o '%T' 2>/dev/null | grep -qx idle; then
        echo "slurm: one node ($node, $cpus CPUs) idle in partition debug"
        exit 0
    fi
    sleep 1
done
echo "error: the node did not come up; see /var/log/slurm/slurmctld.log and slurmd.log" >&2
sinfo >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 2
