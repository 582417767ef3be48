#!/usr/bin/env python3
"""Turns the ICT-FaceKit assets (MIT, see LICENSE here) into a FacePrep rig file for `faceprep synth --rig`.

    python3 make_rig.py --src ../../../../../shared/assets/ict_facekit --out ict_rig_small.npz --stride 5
    python3 make_rig.py --src <assets> --out /tmp/ict_rig_full.npz --stride 1     # every vertex

A rig file is an .npz in the Audio2Face `bs_skin.npz` layout (poseNames, neutral, one [V,3] delta per
pose, frontalMask) plus members FacePrep's synthesiser needs to build a whole dataset, all prefixed `rig_`:
  rig_eyeUpper, rig_eyeLower        int32 [left, right] for eye_dist_vertex_list.json (Multi-PIE 68 lids)
  rig_lipUpper, rig_lipLower        int32 pairs for lip_dist_vertex_list.json (inner lips)
  rig_lipUpperTop, rig_lipLowerBottom  int32, outer lips, for lip_size_vertex_list.json
  rig_jawKeypoints                  float32 [5,3], lower-teeth points that ride the jaw
  rig_jawPivot, rig_jawAxis         float64 [3]: the jaw's hinge at jawOpen = 1 (a point and a unit axis)
  rig_jawOpenDegrees                float64 []: the jaw's rotation at jawOpen = 1
  rig_tongueNeutral                 float32 [T,3]; rig_tongueRigid int32 (underside vertices)
The stride keeps every n-th skin vertex (and every landmark used above); deltas and mask are subset to
match. The jaw hinge comes from Kabsch on the lower teeth, neutral -> neutral + jawOpen delta.
"""
import argparse, json, os
import numpy as np

def kabsch(p, q):
    """R, t with R p + t ~ q (least squares)."""
    pc, qc = p.mean(0), q.mean(0)
    u, _, vt = np.linalg.svd((p - pc).T @ (q - qc))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    return r, qc - r @ pc

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--stride", type=int, default=5)
    ap.add_argument("--tongue-stride", type=int, default=3)
    a = ap.parse_args()
    src = a.src
    bs = np.load(os.path.join(src, "bs_skin.npz"))
    meta = json.load(open(os.path.join(src, "meta.json")))
    names = [n.decode() for n in bs["poseNames"]][1:]
    neutral = bs["neutral"]
    v = neutral.shape[0]
    lm = meta["landmarks_multipie68"]
    # [left, right] with left = the subject's left (+x): landmarks 42-47 are the left eye, 36-41 the right.
    lids_upper, lids_lower = [44, 37], [46, 41]
    lips_upper, lips_lower = [61, 62, 63], [67, 66, 65]
    outer_upper, outer_lower = [50, 51, 52], [58, 57, 56]
    used = [lm[i] for i in lids_upper + lids_lower + lips_upper + lips_lower + outer_upper + outer_lower]
    keep = sorted(set(range(0, v, a.stride)) | set(used))
    remap = {old: new for new, old in enumerate(keep)}
    mask = [remap[i] for i in bs["frontalMask"].tolist() if i in remap]

    # The jaw: lower teeth of the full model, rigid in jawOpen.
    full = np.load(os.path.join(src, "full_neutral.npy")).astype(np.float64)
    nonskin = np.load(os.path.join(src, "bs_full_nonskin_ict.npz"))
    offset = int(nonskin["vertex_offset"])
    lo, hi = meta["regions_end_exclusive"]["teeth_lower"]
    teeth = full[lo:hi]
    opened = teeth + nonskin["jawOpen"][lo - offset:hi - offset]
    r, t = kabsch(teeth, opened)
    angle = np.degrees(np.arccos(np.clip((np.trace(r) - 1) / 2, -1, 1)))
    axis = np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    axis /= np.linalg.norm(axis)
    # A point on the hinge: solve (I - R) p = t in the plane through the teeth centroid normal to the axis.
    c = teeth.mean(0)
    m = np.vstack([np.eye(3) - r, axis[None]])
    pivot = np.linalg.lstsq(m, np.concatenate([t, [axis @ c]]), rcond=None)[0]
    # Five keypoints spread over the lower teeth (farthest-point sampling from the front-most).
    chosen = [int(np.argmax(teeth[:, 2]))]
    for _ in range(4):
        dist = np.min(np.linalg.norm(teeth[:, None] - teeth[chosen][None], axis=2), axis=1)
        chosen.append(int(np.argmax(dist)))
    tongue_idx = np.load(os.path.join(src, "tongue_indices.npy"))[:: a.tongue_stride]
    tongue = full[tongue_idx]
    height = tongue[:, 1].max() - tongue[:, 1].min()
    rigid = np.where(tongue[:, 1] < tongue[:, 1].min() + 0.3 * height)[0]

    out = {
        "poseNames": np.array([b"neutral"] + [n.encode() for n in names], dtype="S19"),
        "neutral": neutral[keep].astype(np.float32),
    }
    for n in names:
        out[n] = bs[n][keep].astype(np.float32)
    out["frontalMask"] = np.array(mask, dtype=np.int32)
    out["rig_eyeUpper"] = np.array([remap[lm[i]] for i in lids_upper], dtype=np.int32)
    out["rig_eyeLower"] = np.array([remap[lm[i]] for i in lids_lower], dtype=np.int32)
    out["rig_lipUpper"] = np.array([remap[lm[i]] for i in lips_upper], dtype=np.int32)
    out["rig_lipLower"] = np.array([remap[lm[i]] for i in lips_lower], dtype=np.int32)
    out["rig_lipUpperTop"] = np.array([remap[lm[i]] for i in outer_upper], dtype=np.int32)
    out["rig_lipLowerBottom"] = np.array([remap[lm[i]] for i in outer_lower], dtype=np.int32)
    out["rig_jawKeypoints"] = teeth[chosen].astype(np.float32)
    out["rig_jawPivot"] = pivot.astype(np.float64)
    out["rig_jawAxis"] = axis.astype(np.float64)
    out["rig_jawOpenDegrees"] = np.array(angle, dtype=np.float64)
    out["rig_tongueNeutral"] = tongue.astype(np.float32)
    out["rig_tongueRigid"] = rigid.astype(np.int32)
    np.savez_compressed(a.out, **out)
    print(f"{a.out}: {len(keep)} skin vertices of {v}, {len(names)} poses, mask {len(mask)}, "
          f"tongue {len(tongue)} ({len(rigid)} rigid), jaw {angle:.2f} deg about {axis.round(3)} through {pivot.round(2)}")

if __name__ == "__main__":
    main()
